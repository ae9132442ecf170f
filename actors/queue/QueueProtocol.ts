import { Schema } from "effect"
import * as Actor from "../../runtime/Actor.ts"

/**
 * The queue actor's address and messages (Advanced Work Assignment). One actor per queue, its id
 * the queue's name. Every message is an event that may free a slot or a work item, after which
 * the queue offers what waits to whom can take it.
 */

/** A work item entered the queue (a hand-off, an overflow, a transfer). */
export const Enqueued = Schema.TaggedStruct("Enqueued", { workItemId: Schema.String })

/** An agent became available or freed capacity. */
export const AgentAvailable = Schema.TaggedStruct("AgentAvailable", { agentId: Schema.String })

const OfferRef = { workItemId: Schema.String, offerId: Schema.String, agentId: Schema.String }

/** The agent accepted; the work item is assigned (the accept time-out is cancelled). */
export const OfferAccepted = Schema.TaggedStruct("OfferAccepted", OfferRef)

/** The agent said no, with a reason; the item goes to the next agent and never back to this one. */
export const OfferRejected = Schema.TaggedStruct("OfferRejected", { ...OfferRef, reason: Schema.String })

/**
 * The agent's actor refused the offer without the agent seeing it (at capacity, not available,
 * went offline): the item goes to the next agent, and this one may get it later.
 */
export const OfferDeclined = Schema.TaggedStruct("OfferDeclined", { ...OfferRef, reason: Schema.String })

/** Timer: one offer's accept time limit passed (set per offer, e.g. by a direct transfer to an agent). */
export const AcceptTimedOut = Schema.TaggedStruct("AcceptTimedOut", OfferRef)

/**
 * Timer: the queue's earliest pending offer ran out of time. Every offer past its limit times out
 * at once, so the queue keeps one timer for all its offers instead of one per offer.
 */
export const OffersExpire = Schema.TaggedStruct("OffersExpire", {})

/** Timer: the item has waited the queue's maximum; it overflows, or the customer is told. */
export const WaitExpired = Schema.TaggedStruct("WaitExpired", { workItemId: Schema.String })

/** Timer: work still waits; look again (covers a wake-up that raced a commit). */
export const Sweep = Schema.TaggedStruct("Sweep", {})

export const Message = Schema.Union(
  Enqueued,
  AgentAvailable,
  OfferAccepted,
  OfferRejected,
  OfferDeclined,
  AcceptTimedOut,
  OffersExpire,
  WaitExpired,
  Sweep
)
export type Message = typeof Message.Type

/** Waiting counts and time, for the manager's queue view. */
export class QueueStatus extends Schema.TaggedRequest<QueueStatus>()("QueueStatus", {
  failure: Schema.Never,
  success: Schema.Struct({ waiting: Schema.Number, oldestWaitSeconds: Schema.NullOr(Schema.Number) }),
  payload: {}
}) {}

export const Queue = Actor.protocol({ name: "queue", partitions: 8, message: Message, ask: QueueStatus })
