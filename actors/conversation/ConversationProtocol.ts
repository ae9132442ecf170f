import { Schema } from "effect"
import { InboundEnvelope } from "../../apple/InboundEnvelope.ts"
import { OutboundContent } from "../../apple/OutboundMessage.ts"
import { CustomerRef } from "../../db/queries/CustomerRef.ts"
import * as Actor from "../../runtime/Actor.ts"
import { InboundFile, KeptFile } from "../attachments/FileRef.ts"

/**
 * The conversation actor's address and messages. One conversation per (business id, Apple opaque
 * customer id); the id is their concatenation, so the edge needs no database lookup to route.
 */
export const conversationId = (businessId: string, opaqueId: string): string => `${businessId}|${opaqueId}`

/**
 * A message from the customer, exactly as the webhook decoded it. `files` is filled in by the
 * conversation's `prepare` step (its attachments fetched and kept) before the turn runs; the edge
 * never sets it.
 */
export const CustomerMessage = Schema.TaggedStruct("CustomerMessage", {
  envelope: InboundEnvelope,
  /** Filled by the conversation's `prepare` step: the message's attachments as fetched. */
  files: Schema.optional(Schema.Array(InboundFile)),
  /** Filled by the `prepare` step: why an interactive reply sent by reference was not fetched. */
  dataProblem: Schema.optional(Schema.String)
})

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

/** What the identity provider said of a sign-in: the customer's e-mail claims, or why it failed. */
export const SignInAnswer = Schema.Union(
  Schema.TaggedStruct("Claims", { email: Schema.String, verified: Schema.Boolean }),
  Schema.TaggedStruct("Failed", { reason: Schema.String })
)
export type SignInAnswer = typeof SignInAnswer.Type

/**
 * A sign-in is ready to complete: the conversation tells itself this when the customer's reply
 * (and, for AUTH2, the authorization code) has come, with what the provider needs. Its `prepare`
 * step asks the provider, outside the turn's transaction (runtime/CallOut.ts), and fills `answer`;
 * its turn links the customer, if `state` still names the sign-in in flight.
 */
export const SignInReady = Schema.TaggedStruct("SignInReady", {
  state: Schema.String,
  /** Legacy AUTH: the access token as the device sent it, encrypted to `privateKey`. */
  token: Schema.optional(Schema.String),
  privateKey: Schema.optional(Schema.String),
  /** AUTH2: the authorization code to exchange for an access token. */
  code: Schema.optional(Schema.String),
  /** Filled by the conversation's `prepare` step (whatever came with the message is replaced). */
  answer: Schema.optional(SignInAnswer)
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

/*
 * What the live agent does in the chat (the workspace socket tells these). Each names the
 * interaction and the agent; the conversation applies it only while that agent has that
 * interaction live, and tells the agent why otherwise (an `agent_events` "refused" event).
 */
const AgentRef = { interactionId: Schema.String, agentId: Schema.String }

/**
 * The agent sends content to the customer. `clientMessageId` is the workspace's own id for the
 * message, echoed back in the "sent" or "refused" event (and a retry with the same id is sent once).
 */
export const AgentSend = Schema.TaggedStruct("AgentSend", {
  ...AgentRef,
  clientMessageId: Schema.String,
  content: OutboundContent,
  /** Files the agent uploaded to send with a text (one U+FFFC in its body each). */
  files: Schema.optional(Schema.Array(KeptFile))
})

export const AgentTyping = Schema.TaggedStruct("AgentTyping", { ...AgentRef, active: Schema.Boolean })

/** The agent ended the chat: the bot comes back for the feedback question (story step 10). */
export const AgentClose = Schema.TaggedStruct("AgentClose", AgentRef)

/**
 * Story step 9: the agent offers the customer a call-back from `queue`'s specialists; the bot
 * sends a time picker of that queue's slots, and the customer's choice books it.
 */
export const OfferCallBack = Schema.TaggedStruct("OfferCallBack", { ...AgentRef, queue: Schema.String })

/** The agent linked the (guest) customer to a contact or consumer; the Apple identity is linked too. */
export const LinkCustomer = Schema.TaggedStruct("LinkCustomer", { ...AgentRef, customer: CustomerRef })

/** The agent created a case from the interaction; the transcript notes it. */
export const CaseCreated = Schema.TaggedStruct("CaseCreated", { ...AgentRef, caseNumber: Schema.String })

/**
 * The agent handed the chat on: it waits again, as `workItemId`, in `queue` (or for one agent). The
 * agent actor has already released its own work item.
 */
export const Transferred = Schema.TaggedStruct("Transferred", {
  ...AgentRef,
  workItemId: Schema.String,
  queue: Schema.String
})

/** Timer: a booked call-back is due; the follow-up interaction goes to the specialists' queue. */
export const CallBackDue = Schema.TaggedStruct("CallBackDue", { callbackId: Schema.String })

export const Message = Schema.Union(
  CustomerMessage,
  DeliveryFailed,
  CustomerUnreachable,
  AuthorizationCode,
  SignInReady,
  Accepted,
  WaitExceeded,
  AgentSend,
  AgentTyping,
  AgentClose,
  OfferCallBack,
  LinkCustomer,
  CaseCreated,
  Transferred,
  CallBackDue
)
export type Message = typeof Message.Type

/**
 * 16 partitions: conversations spread over up to 16 nodes. With 64, a node answering 200 customers
 * ran groups of ~3 turns per commit and kept 128 pulls and leases (with the sender's) alive when
 * idle; 16 commit 2x more turns together (0.6 -> 0.37 transactions and 12.6 -> 10.1 NATS messages
 * per customer message, docs/performance.md, session 10). Fixed for a cluster's life: it decides
 * which partition (and so which stream subject) an id maps to.
 */
export const Conversation = Actor.protocol({ name: "conv", partitions: 16, message: Message })
