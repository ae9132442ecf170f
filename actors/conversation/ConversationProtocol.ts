import { Schema } from "effect"
import { InboundEnvelope } from "../../http/apple/AppleInbox.ts"
import * as Actor from "../../runtime/Actor.ts"

/**
 * The conversation actor's address and messages. One conversation per (business id, Apple opaque
 * customer id); the id is their concatenation, so the edge needs no database lookup to route.
 */
export const conversationId = (businessId: string, opaqueId: string): string => `${businessId}|${opaqueId}`

/** A message from the customer, exactly as the webhook decoded it. */
export const CustomerMessage = Schema.TaggedStruct("CustomerMessage", { envelope: InboundEnvelope })

/** Apple refused one of our messages for good (400/401/403); recorded with that message. */
export const DeliveryFailed = Schema.TaggedStruct("DeliveryFailed", {
  appleMessageId: Schema.String,
  status: Schema.Number,
  reason: Schema.String
})

/** Apple answered 404 for the customer: they are unreachable, the conversation closes. */
export const CustomerUnreachable = Schema.TaggedStruct("CustomerUnreachable", { appleMessageId: Schema.String })

/**
 * Apple sign-in (AUTH2): the identity provider sent the authorization code to our redirect URI.
 * `state` is the nonce of the sign-in request; a code with any other nonce is ignored.
 */
export const AuthorizationCode = Schema.TaggedStruct("AuthorizationCode", {
  state: Schema.String,
  code: Schema.String
})

/** A live agent accepted the conversation's work item: the conversation goes `live` with them. */
export const Accepted = Schema.TaggedStruct("Accepted", {
  interactionId: Schema.String,
  workItemId: Schema.String,
  agentId: Schema.String,
  agentName: Schema.String
})

/** The work item waited the last queue's maximum: the customer is offered a call-back or a case instead. */
export const WaitExceeded = Schema.TaggedStruct("WaitExceeded", {
  interactionId: Schema.String,
  workItemId: Schema.String,
  queue: Schema.String
})

export const Message = Schema.Union(
  CustomerMessage,
  DeliveryFailed,
  CustomerUnreachable,
  AuthorizationCode,
  Accepted,
  WaitExceeded
)
export type Message = typeof Message.Type

export const Conversation = Actor.protocol({ name: "conv", partitions: 64, message: Message })
