import { Schema } from "effect"

/** Apple writes sizes as numbers inbound and as strings in its outbound sample; accept both. */
export const Size = Schema.Union(
  Schema.NonNegativeInt,
  Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())
)

export const HexKey = Schema.String.pipe(
  Schema.pattern(/^(00)?[0-9a-fA-F]{64}$/, { message: () => "key must be '00' + 64 hex digits" })
)

/**
 * `interactiveDataRef`: an interactive payload over 10 KB, stored encrypted at Apple (docs/apple.md,
 * "Large interactive messages"). Inbound it carries the `key` and a hex `signature`. The `dataRef`
 * Apple answers to an inline send with `include-data-ref: true` has no `key` (Apple keeps it; its
 * sample lists bid, owner, url, size, signature, signature-base64, title, dataRefSig): it is only
 * sent back as is.
 */
export const InteractiveDataRef = Schema.Struct({
  bid: Schema.String,
  url: Schema.NonEmptyString,
  owner: Schema.NonEmptyString,
  key: Schema.optional(HexKey),
  size: Size,
  signature: Schema.optional(Schema.String),
  "signature-base64": Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  dataRefSig: Schema.optional(Schema.String)
})
export type InteractiveDataRef = typeof InteractiveDataRef.Type

/** A reference the customer's device sent: with the key we decrypt it with. */
export const InboundDataRef = Schema.Struct({ ...InteractiveDataRef.fields, key: HexKey })
export type InboundDataRef = typeof InboundDataRef.Type

/** Interactive JSON larger than this must travel by reference. */
export const IDR_THRESHOLD = 10 * 1024

export const jsonSize = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8")
