import { Schema } from "effect"
import * as Actor from "../../runtime/Actor.ts"

/**
 * The agent actor's address and messages. One actor per agent (id: the user id); it owns the
 * agent's presence, capacity and the offers in front of them. The Agent Workspace socket sends
 * `SetPresence`, `Accept`, `Reject`, `Transfer`, `WrapUp`, `Complete` and its own `SocketOpened` /
 * `SocketClosed`; queues send `Offer` and `OfferTimedOut`; a node's session reaper sends `NodeGone`.
 */

export const Channel = Schema.Literal("apple_messages")
export type Channel = typeof Channel.Type

export const PresenceState = Schema.Literal("available", "away", "offline")
export type PresenceState = typeof PresenceState.Type

/** Work a queue offers: the agent's actor takes it only within capacity and while available. */
export const Offer = Schema.TaggedStruct("Offer", {
  offerId: Schema.String,
  workItemId: Schema.String,
  interactionId: Schema.String,
  queue: Schema.String,
  channel: Channel,
  /** Epoch milliseconds after which the queue takes it back. */
  expiresAt: Schema.Number
})
export type Offer = typeof Offer.Type

export const Accept = Schema.TaggedStruct("Accept", { offerId: Schema.String })
export const Reject = Schema.TaggedStruct("Reject", { offerId: Schema.String, reason: Schema.String })

/** The queue took the offer back: the agent did not answer in time. */
export const OfferTimedOut = Schema.TaggedStruct("OfferTimedOut", { offerId: Schema.String, workItemId: Schema.String })

/**
 * A presence change. `label` names a custom state (e.g. "Lunch", "Training") that routes as
 * `state`; only available agents receive work.
 */
export const SetPresence = Schema.TaggedStruct("SetPresence", {
  channel: Channel,
  state: PresenceState,
  label: Schema.optional(Schema.String)
})

export const SetCapacity = Schema.TaggedStruct("SetCapacity", {
  channel: Channel,
  capacity: Schema.Int.pipe(Schema.between(0, 50))
})

/** A cap over all channels together (ServiceNow's "universal capacity"); absent for none. */
export const SetUniversalCap = Schema.TaggedStruct("SetUniversalCap", {
  cap: Schema.optional(Schema.Int.pipe(Schema.between(0, 50)))
})

/** The agent ended the chat and writes up notes: the item still counts against capacity. */
export const WrapUp = Schema.TaggedStruct("WrapUp", { workItemId: Schema.String })

/** The agent finished the item (after wrap-up or straight away): capacity frees. */
export const Complete = Schema.TaggedStruct("Complete", {
  workItemId: Schema.String,
  code: Schema.optional(Schema.String)
})

/** Where a transferred chat goes: a queue (by name), or one agent, offered it directly. */
export const TransferTarget = Schema.Union(
  Schema.Struct({ queue: Schema.String }),
  Schema.Struct({ agent: Schema.String })
)
export type TransferTarget = typeof TransferTarget.Type

/**
 * The agent hands a chat they hold on: their work item closes (capacity frees) and a new one waits
 * in the target queue, or is offered to the target agent through the interaction's queue.
 */
export const Transfer = Schema.TaggedStruct("Transfer", { interactionId: Schema.String, to: TransferTarget })

/**
 * A workspace socket of the agent opened on `node`. `openedAt` (epoch ms, the node's own clock, the
 * one its membership `startedAt` is read from) tells a session of a node's earlier incarnation
 * from one opened since it restarted; senders before it existed leave it out.
 */
export const SocketOpened = Schema.TaggedStruct("SocketOpened", {
  sessionId: Schema.String,
  node: Schema.String,
  openedAt: Schema.optional(Schema.Number)
})
export type SocketOpened = typeof SocketOpened.Type

/**
 * A workspace socket closed. When it was the agent's last one, they are set Offline after
 * `offlineAfterMs` unless a socket opens meanwhile (a reload, a network blip).
 */
export const SocketClosed = Schema.TaggedStruct("SocketClosed", {
  sessionId: Schema.String,
  offlineAfterMs: Schema.Int.pipe(Schema.nonNegative())
})

/**
 * The sockets the agent has on `node` are gone without a close: the node died (or, with
 * `openedBefore`, restarted, and only sessions opened before that time, or of unknown time, are its
 * earlier incarnation's). Those sessions are dropped; if none is left, the grace starts as after
 * `SocketClosed`. Idempotent: a second one finds nothing to drop and does nothing.
 */
export const NodeGone = Schema.TaggedStruct("NodeGone", {
  node: Schema.String,
  openedBefore: Schema.optional(Schema.Number),
  offlineAfterMs: Schema.Int.pipe(Schema.nonNegative())
})
export type NodeGone = typeof NodeGone.Type

/** Timer: the grace after the last socket closed has passed. */
export const DisconnectGraceEnded = Schema.TaggedStruct("DisconnectGraceEnded", {})

export const Message = Schema.Union(
  Offer,
  Accept,
  Reject,
  OfferTimedOut,
  SetPresence,
  SetCapacity,
  SetUniversalCap,
  WrapUp,
  Complete,
  Transfer,
  SocketOpened,
  SocketClosed,
  NodeGone,
  DisconnectGraceEnded
)
export type Message = typeof Message.Type

export const PendingOffer = Schema.Struct({
  offerId: Schema.String,
  workItemId: Schema.String,
  interactionId: Schema.String,
  queue: Schema.String,
  channel: Channel,
  expiresAt: Schema.Number
})
export type PendingOffer = typeof PendingOffer.Type

export const ChannelStatus = Schema.Struct({
  channel: Channel,
  state: PresenceState,
  label: Schema.optional(Schema.String),
  capacity: Schema.Number
})
export type ChannelStatus = typeof ChannelStatus.Type

/** What the workspace shows of the agent: presence, capacity and offers waiting for an answer. */
export class AgentStatus extends Schema.TaggedRequest<AgentStatus>()("AgentStatus", {
  failure: Schema.Never,
  success: Schema.Struct({
    channels: Schema.Array(ChannelStatus),
    universalCap: Schema.optional(Schema.Number),
    pending: Schema.Array(PendingOffer),
    wrapUp: Schema.Array(Schema.String),
    /** Open workspace sockets, on any node. */
    sessions: Schema.optional(Schema.Number)
  }),
  payload: {}
}) {}

export const Agent = Actor.protocol({ name: "agent", partitions: 16, message: Message, ask: AgentStatus })

/** Event topic of one agent's live sessions (the workspace socket subscribes). */
export const agentTopic = (agentId: string): ReadonlyArray<string> => ["agent", agentId]
