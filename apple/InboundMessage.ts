import { Schema } from "effect"
import { AttachmentFromWire } from "./Attachment.ts"
import { InteractiveDataRef } from "./DataRef.ts"
import { InboundInteractiveData } from "./Interactive.ts"

const Id = Schema.NonEmptyString.pipe(Schema.maxLength(256))

/**
 * The common dictionary of §3.4. `sourceId`/`destinationId` duplicate the headers and are
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
  interactiveDataRef: Schema.optional(InteractiveDataRef),
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

export const InboundMessage = Schema.Union(InboundText, InboundInteractive, InboundTyping, InboundClose)
export type InboundMessage = typeof InboundMessage.Type
export type InboundMessageEncoded = typeof InboundMessage.Encoded

/** The message as we keep it (wire spellings normalised); its encoding is plain JSON. */
export const InboundMessageNormalized = Schema.typeSchema(InboundMessage)
