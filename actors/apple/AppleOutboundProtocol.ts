import { Schema } from "effect"
import { OutboundContent } from "../../apple/OutboundMessage.ts"
import * as Actor from "../../runtime/Actor.ts"
import { KeptFile } from "../attachments/FileRef.ts"

/**
 * The per-customer Apple sender: one actor per (business id, opaque id), so messages to one
 * customer leave in order, the next only after Apple's 200 for the previous.
 */
export const senderId = (businessId: string, opaqueId: string): string => `${businessId}|${opaqueId}`

/**
 * Files kept in the object store to go with a text: the sender encrypts and uploads each to Apple
 * and adds it to the text's `attachments` just before sending (Apple's upload URLs are short-lived).
 */
export const Files = Schema.optional(Schema.Array(KeptFile))

/** Send `content` to the customer. `appleMessageId` is fixed by the caller, so a resend is the same message. */
export const Send = Schema.TaggedStruct("Send", {
  appleMessageId: Schema.UUID,
  businessId: Schema.String,
  customerId: Schema.String,
  content: OutboundContent,
  /** `auto-reply`: true for the virtual agent, false for a person. */
  autoReply: Schema.Boolean,
  files: Files,
  locale: Schema.optional(Schema.String)
})

/** One message of an answer; its `appleMessageId` is fixed by the caller, so a resend is the same message. */
export const Part = Schema.Struct({
  appleMessageId: Schema.UUID,
  content: OutboundContent,
  autoReply: Schema.Boolean,
  files: Files
})
export type Part = typeof Part.Type

/**
 * Every part of one answer (a bot's or an agent's) as one message, so one turn: sent in order,
 * each after Apple's 200 for the one before. One delivery, one fence check and one commit for the
 * whole answer instead of one per part.
 */
export const SendAll = Schema.TaggedStruct("SendAll", {
  businessId: Schema.String,
  customerId: Schema.String,
  parts: Schema.NonEmptyArray(Part),
  locale: Schema.optional(Schema.String)
})

/** The customer closed the conversation: send nothing more until they write again. */
export const CustomerClosed = Schema.TaggedStruct("CustomerClosed", {})

/** The customer wrote again after a close: sending may resume. */
export const CustomerWrote = Schema.TaggedStruct("CustomerWrote", {})

export const Message = Schema.Union(Send, SendAll, CustomerClosed, CustomerWrote)
export type Message = typeof Message.Type

/** As many partitions as the conversations (actors/conversation/ConversationProtocol.ts says why 16). */
export const AppleOutbound = Actor.protocol({ name: "apple_out", partitions: 16, message: Message })
