import { Effect, ParseResult, Schema } from "effect"
import { HexKey, Size } from "./DataRef.ts"

/** An attachment reference as we use it, whichever spelling Apple used on the wire. */
export const Attachment = Schema.Struct({
  name: Schema.String,
  mimeType: Schema.String,
  /** Encrypted size in bytes (CTR keeps the plaintext length). */
  size: Schema.NonNegativeInt,
  key: HexKey,
  url: Schema.NonEmptyString,
  owner: Schema.NonEmptyString,
  signatureHex: Schema.optional(Schema.String),
  signatureBase64: Schema.optional(Schema.String)
})
export type Attachment = typeof Attachment.Type

/** Both generations: 2025 (`mimeType`, `size`, `key`, `url`, `owner`) and legacy (`mime-type`, `file-size`, …). */
const AttachmentWire = Schema.Struct({
  name: Schema.optional(Schema.String),
  mimeType: Schema.optional(Schema.String),
  "mime-type": Schema.optional(Schema.String),
  size: Schema.optional(Size),
  "file-size": Schema.optional(Size),
  key: Schema.optional(Schema.String),
  "decryption-key": Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  "mmcs-url": Schema.optional(Schema.String),
  owner: Schema.optional(Schema.String),
  "mmcs-owner": Schema.optional(Schema.String),
  signature: Schema.optional(Schema.String),
  "mmcs-signature-hex": Schema.optional(Schema.String),
  "signature-base64": Schema.optional(Schema.String)
})

export const AttachmentFromWire = Schema.transformOrFail(AttachmentWire, Attachment, {
  strict: true,
  decode: (wire, _, ast) => {
    const signatureHex = wire.signature ?? wire["mmcs-signature-hex"]
    const signatureBase64 = wire["signature-base64"]
    const candidate = {
      name: wire.name ?? "attachment",
      mimeType: wire.mimeType ?? wire["mime-type"] ?? "application/octet-stream",
      size: wire.size ?? wire["file-size"],
      key: wire.key ?? wire["decryption-key"],
      url: wire.url ?? wire["mmcs-url"],
      owner: wire.owner ?? wire["mmcs-owner"],
      ...(signatureHex !== undefined ? { signatureHex } : {}),
      ...(signatureBase64 !== undefined ? { signatureBase64 } : {})
    }
    return Schema.decodeUnknown(Attachment)(candidate).pipe(
      Effect.mapError((error) => new ParseResult.Type(ast, wire, error.message))
    )
  },
  encode: (a) =>
    ParseResult.succeed({
      name: a.name,
      mimeType: a.mimeType,
      size: a.size,
      key: a.key,
      url: a.url,
      owner: a.owner,
      ...(a.signatureHex !== undefined ? { signature: a.signatureHex } : {}),
      ...(a.signatureBase64 !== undefined ? { "signature-base64": a.signatureBase64 } : {})
    })
})

/** What we send (Apple's 2025 spelling; `size` as a string because the sample insists on it). */
export const OutboundAttachment = Schema.Struct({
  name: Schema.NonEmptyString,
  mimeType: Schema.NonEmptyString,
  size: Schema.String.pipe(Schema.pattern(/^\d+$/)),
  "signature-base64": Schema.NonEmptyString,
  url: Schema.NonEmptyString,
  owner: Schema.NonEmptyString,
  key: HexKey
})
export type OutboundAttachment = typeof OutboundAttachment.Type

/** The legacy spelling, which Apple (and so the simulator) still takes from MSPs. */
export const LegacyOutboundAttachment = Schema.Struct({
  name: Schema.NonEmptyString,
  "mime-type": Schema.NonEmptyString,
  "file-size": Size,
  "signature-base64": Schema.NonEmptyString,
  "mmcs-url": Schema.NonEmptyString,
  "mmcs-owner": Schema.NonEmptyString,
  "decryption-key": HexKey
})

/** Marks where an attachment renders in a text's `body`. */
export const OBJECT_REPLACEMENT = "\uFFFC"
