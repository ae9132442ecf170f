import { Schema } from "effect"
import { LegacyOutboundAttachment, OutboundAttachment } from "./Attachment.ts"
import { InteractiveDataRef } from "./DataRef.ts"
import { InteractiveData } from "./Interactive.ts"
import { RichLinkData } from "./RichLink.ts"

/** What domain code asks us to send; the client adds the envelope (`v`, `id`, source, destination). */
export const OutboundText = Schema.Struct({
  type: Schema.Literal("text"),
  body: Schema.String,
  attachments: Schema.optional(Schema.Array(OutboundAttachment))
})
export const OutboundTyping = Schema.Struct({ type: Schema.Literal("typing_start", "typing_end") })
export const OutboundRichLink = Schema.Struct({ type: Schema.Literal("richLink"), richLinkData: RichLinkData })
export const OutboundInteractive = Schema.Struct({
  type: Schema.Literal("interactive"),
  interactiveData: InteractiveData,
  /** iMessage app messages carry an empty list in Apple's sample. */
  attachments: Schema.optional(Schema.Array(OutboundAttachment))
})
export const OutboundInteractiveRef = Schema.Struct({
  type: Schema.Literal("interactive"),
  interactiveDataRef: InteractiveDataRef
})

export const OutboundContent = Schema.Union(
  OutboundText,
  OutboundTyping,
  OutboundRichLink,
  OutboundInteractive,
  OutboundInteractiveRef
)
export type OutboundContent = typeof OutboundContent.Type

const envelope = {
  v: Schema.Literal(1),
  id: Schema.UUID,
  sourceId: Schema.NonEmptyString,
  destinationId: Schema.NonEmptyString,
  locale: Schema.optional(Schema.String)
}

/** The full `/message` body as Apple validates it (the simulator decodes with excess properties as errors). */
export const OutboundMessage = Schema.Union(
  Schema.Struct({
    ...envelope,
    type: Schema.Literal("text"),
    body: Schema.String,
    attachments: Schema.optional(Schema.Array(Schema.Union(OutboundAttachment, LegacyOutboundAttachment)))
  }),
  Schema.Struct({ ...envelope, ...OutboundTyping.fields }),
  Schema.Struct({ ...envelope, ...OutboundRichLink.fields }),
  Schema.Struct({
    ...envelope,
    type: Schema.Literal("interactive"),
    interactiveData: Schema.optional(InteractiveData),
    interactiveDataRef: Schema.optional(InteractiveDataRef),
    attachments: Schema.optional(Schema.Array(OutboundAttachment))
  }).pipe(
    Schema.filter((m) =>
      (m.interactiveData === undefined) !== (m.interactiveDataRef === undefined)
        ? undefined
        : "interactive needs exactly one of interactiveData and interactiveDataRef"
    )
  )
)
export type OutboundMessage = typeof OutboundMessage.Type

/** Plain text; URLs in it must go out as rich links (see `RichLink.splitLinks`). */
export const text = (body: string): typeof OutboundText.Type => ({ type: "text", body })
export const typingStart: typeof OutboundTyping.Type = { type: "typing_start" }
export const typingEnd: typeof OutboundTyping.Type = { type: "typing_end" }
export const interactive = (interactiveData: InteractiveData): typeof OutboundInteractive.Type => ({
  type: "interactive",
  interactiveData
})
