import { Schema } from "effect"
import { AttachmentFromWire } from "./Attachment.ts"
import { InboundDataRef } from "./DataRef.ts"
import { InboundInteractiveData } from "./Interactive.ts"

const Id = Schema.NonEmptyString.pipe(Schema.maxLength(256))

/**
 * The common dictionary of docs/apple.md, "Receiving". `sourceId`/`destinationId` duplicate the headers and are
 * optional here (the headers are authoritative; the webhook refuses a mismatch).
 */
const common = {
  v: Schema.Literal(1),
  id: Id,
  sourceId: Schema.optional(Schema.String),
  destinationId: Schema.optional(Schema.String),
  locale: Schema.optional(Schema.String.pipe(Schema.maxLength(64))),
  intent: Schema.optional(Schema.String.pipe(Schema.maxLength(1024))),
  group: Schema.optional(Schema.String.pipe(Schema.maxLength(1024))),
  /** Community-observed; kept when present. */
  replyToMessageId: Schema.optional(Schema.String)
}

/** Seen only in community code for links a customer shares. */
const InboundRichLink = Schema.Struct({ url: Schema.optional(Schema.String), title: Schema.optional(Schema.String) })

export const InboundText = Schema.Struct({
  ...common,
  type: Schema.Literal("text"),
  body: Schema.String,
  attachments: Schema.optional(Schema.Array(AttachmentFromWire)),
  richLinkData: Schema.optional(InboundRichLink)
})

/** A reply to an interactive message: inline data, or a reference when it exceeds 10 KB. */
export const InboundInteractive = Schema.Struct({
  ...common,
  type: Schema.Literal("interactive"),
  interactiveData: Schema.optional(InboundInteractiveData),
  interactiveDataRef: Schema.optional(InboundDataRef),
  body: Schema.optional(Schema.String),
  /** iMessage app replies carry their text and picture as attachments. */
  attachments: Schema.optional(Schema.Array(AttachmentFromWire))
}).pipe(
  Schema.filter((m) =>
    m.interactiveData !== undefined || m.interactiveDataRef !== undefined
      ? undefined
      : "interactive needs interactiveData or interactiveDataRef"
  )
)

export const InboundTyping = Schema.Struct({ ...common, type: Schema.Literal("typing_start", "typing_end") })

/** The customer deleted the conversation; we may not write until they do. */
export const InboundClose = Schema.Struct({ ...common, type: Schema.Literal("close") })

/** The types this package reads; anything else arrives as `InboundOther`. */
export const KNOWN_TYPES: ReadonlyArray<string> = ["text", "interactive", "typing_start", "typing_end", "close"]

const OtherWire = Schema.Struct(
  {
    ...common,
    type: Schema.String.pipe(
      Schema.minLength(1),
      Schema.maxLength(128),
      Schema.filter((type) => !KNOWN_TYPES.includes(type) || `type ${type} has its own schema`)
    )
  },
  Schema.Record({ key: Schema.String, value: Schema.Unknown })
)

const Other = Schema.Struct({
  ...common,
  type: Schema.Literal("other"),
  /** The `type` Apple sent. */
  wireType: Schema.String,
  /** Every field beyond the common ones, as sent. */
  fields: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})

/**
 * A type we do not know (Apple documents no closed list; community code has seen handover types
 * such as `pass-thread-control`). Refusing it would show the customer "Not Delivered", so it is
 * accepted and kept whole, read as `type: "other"` with the wire type beside it.
 */
export const InboundOther = Schema.transform(OtherWire, Other, {
  strict: true,
  decode: ({ v, id, sourceId, destinationId, locale, intent, group, replyToMessageId, type, ...fields }) => ({
    v,
    id,
    ...(sourceId !== undefined ? { sourceId } : {}),
    ...(destinationId !== undefined ? { destinationId } : {}),
    ...(locale !== undefined ? { locale } : {}),
    ...(intent !== undefined ? { intent } : {}),
    ...(group !== undefined ? { group } : {}),
    ...(replyToMessageId !== undefined ? { replyToMessageId } : {}),
    type: "other" as const,
    wireType: type,
    fields
  }),
  encode: ({ type: _other, wireType, fields, ...rest }) => ({ ...fields, ...rest, type: wireType })
})

export const InboundMessage = Schema.Union(InboundText, InboundInteractive, InboundTyping, InboundClose, InboundOther)
export type InboundMessage = typeof InboundMessage.Type
export type InboundMessageEncoded = typeof InboundMessage.Encoded

/** The message as we keep it (wire spellings normalised); its encoding is plain JSON. */
export const InboundMessageNormalized = Schema.typeSchema(InboundMessage)
