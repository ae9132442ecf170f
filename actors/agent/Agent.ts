import { Clock, Effect } from "effect"
import { recordPresence, setCapacity } from "../../db/queries/agents.ts"
import { findInteraction, updateInteraction } from "../../db/queries/interactions.ts"
import { findQueue, findQueueByName, skillsOf } from "../../db/queries/queues.ts"
import {
  assignedCountOf,
  completeWorkItem,
  declinedMark,
  queuesWithWaitingWork,
  settlePendingOffer
} from "../../db/queries/routing.ts"
import { closeWorkItem, enqueueWorkItem, offerWorkItem, openWorkItemOf } from "../../db/queries/workItems.ts"
import { recordHandedOn } from "../../db/queries/workspace.ts"
import * as Actor from "../../runtime/Actor.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import * as Turn from "../../runtime/Turn.ts"
import { Accepted, Conversation, Transferred } from "../conversation/ConversationProtocol.ts"
import { defaultQueue } from "../conversation/HandOff.ts"
import {
  AcceptTimedOut,
  AgentAvailable,
  Enqueued,
  OfferAccepted,
  OfferDeclined,
  OfferRejected,
  Queue
} from "../queue/QueueProtocol.ts"
import { requiredSkills } from "../queue/Routing.ts"
import * as AgentEvents from "./AgentEvents.ts"
import {
  Agent,
  type Channel,
  DisconnectGraceEnded,
  type Message,
  type NodeGone,
  Offer,
  type PresenceState,
  type SocketOpened,
  type TransferTarget
} from "./AgentProtocol.ts"
import { type Cell, readChannels, stored } from "./AgentState.ts"

/**
 * The agent actor: the one place that decides whether an offer may go in front of the agent. It
 * counts the work assigned to them and the offers already pending, and declines anything beyond
 * capacity, so two queues racing for the agent's last slot cannot over-assign them.
 */

export interface AgentSettings {
  /** An agent who lets an offer time out is set Away, so no more work waits on them (ServiceNow's reject handling). */
  readonly awayOnTimeout: boolean
}

export const defaultSettings: AgentSettings = { awayOnTimeout: true }

const emit = (cell: Cell, type: string, body: Readonly<Record<string, unknown>> = {}) =>
  AgentEvents.push(cell.id, type, body)

const channelOf = (cell: Cell, channel: Channel) => cell.channels.find((c) => c.channel === channel)

/** Free slots on `channel`: capacity (and the cross-channel cap) less assigned work and pending offers. */
const freeSlots = Effect.fnUntraced(function* (cell: Cell, channel: Channel) {
  const status = channelOf(cell, channel)
  if (status?.state !== "available") return 0
  const limit = Math.min(status.capacity, cell.universalCap ?? Number.POSITIVE_INFINITY)
  return Math.max(0, limit - (yield* assignedCountOf(cell.id)) - cell.pending.length)
})

/**
 * Wakes the queues whose work the agent may take, most urgent waiting item first, one per free
 * slot: waking every queue would have all but one find the slot gone. A queue not woken still
 * looks again on its sweep.
 */
const wake = Effect.fnUntraced(function* (cell: Cell, channel: Channel, except?: string) {
  const free = yield* freeSlots(cell, channel)
  if (free === 0) return
  const skills = new Set((yield* skillsOf(cell.id)).map((s) => s.name))
  const eligible = (yield* queuesWithWaitingWork(channel)).filter(
    (q) => q.name !== except && requiredSkills(q).every((s) => skills.has(s))
  )
  for (const queue of eligible.slice(0, free)) {
    yield* Turn.tell(Queue, queue.name, AgentAvailable.make({ agentId: cell.id }))
  }
})

/** Takes an offer back without the agent answering it; the queue offers the item to someone else. */
const decline = Effect.fnUntraced(function* (cell: Cell, offer: Offer, why: string) {
  const reason = `${declinedMark} ${why}`
  const settled = yield* settlePendingOffer(offer.offerId, "rejected", reason)
  if (settled.offer === undefined) return
  const ref = { workItemId: offer.workItemId, offerId: offer.offerId, agentId: cell.id }
  yield* Turn.tell(Queue, offer.queue, OfferDeclined.make({ ...ref, reason }))
})

const offered = Effect.fnUntraced(function* (cell: Cell, offer: Offer) {
  if (cell.pending.some((p) => p.offerId === offer.offerId)) return cell
  const channel = channelOf(cell, offer.channel)
  if (channel?.state !== "available") {
    yield* decline(cell, offer, "not available")
    return cell
  }
  if ((yield* freeSlots(cell, offer.channel)) === 0) {
    yield* decline(cell, offer, "at capacity")
    return cell
  }
  const { _tag, ...pending } = offer
  yield* emit(cell, "offer", pending)
  return { ...cell, pending: [...cell.pending, pending] }
})

const accept = Effect.fnUntraced(function* (cell: Cell, offerId: string) {
  const offer = cell.pending.find((p) => p.offerId === offerId)
  if (offer === undefined) {
    yield* emit(cell, "offerGone", { offerId })
    return cell
  }
  const next: Cell = { ...cell, pending: cell.pending.filter((p) => p.offerId !== offerId) }
  const settled = yield* settlePendingOffer(offerId, "accepted")
  if (settled.item === undefined) {
    yield* emit(cell, "offerGone", { offerId })
    return next
  }
  const ref = { workItemId: offer.workItemId, offerId, agentId: cell.id }
  yield* Turn.tell(Queue, offer.queue, OfferAccepted.make(ref))
  const interaction = yield* findInteraction(offer.interactionId)
  if (interaction !== undefined) {
    yield* Turn.tell(
      Conversation,
      interaction.conversationId,
      Accepted.make({
        interactionId: offer.interactionId,
        workItemId: offer.workItemId,
        agentId: cell.id,
        agentName: cell.name
      })
    )
  }
  yield* emit(cell, "assigned", { workItemId: offer.workItemId, interactionId: offer.interactionId })
  return next
})

const reject = Effect.fnUntraced(function* (cell: Cell, offerId: string, reason: string) {
  const offer = cell.pending.find((p) => p.offerId === offerId)
  if (offer === undefined) return cell
  // A declined-looking reason would let the queue offer the item to this agent again.
  const said = reason.startsWith(declinedMark) ? `agent: ${reason}` : reason
  const settled = yield* settlePendingOffer(offerId, "rejected", said)
  if (settled.offer !== undefined) {
    const ref = { workItemId: offer.workItemId, offerId, agentId: cell.id }
    yield* Turn.tell(Queue, offer.queue, OfferRejected.make({ ...ref, reason: said }))
  }
  const next: Cell = { ...cell, pending: cell.pending.filter((p) => p.offerId !== offerId) }
  yield* emit(next, "offerClosed", { offerId })
  yield* wake(next, offer.channel, offer.queue)
  return next
})

const presence = Effect.fnUntraced(function* (
  cell: Cell,
  channel: Channel,
  state: PresenceState,
  label: string | undefined
) {
  const before = channelOf(cell, channel)
  const { [channel]: _old, ...others } = cell.labels
  const labels = label === undefined ? others : { ...others, [channel]: label }
  if (before?.state !== state) yield* recordPresence(cell.id, channel, state)
  let next: Cell = { ...cell, labels, channels: yield* readChannels(cell.id, labels) }
  if (state !== "available") {
    // Offers do not wait on someone who left: each goes to the next agent now.
    for (const offer of cell.pending.filter((p) => p.channel === channel)) {
      yield* decline(cell, { _tag: "Offer", ...offer }, `went ${state}`)
    }
    next = { ...next, pending: cell.pending.filter((p) => p.channel !== channel) }
  }
  const capacity = channelOf(next, channel)?.capacity
  yield* emit(next, "presence", {
    channel,
    state,
    ...(label !== undefined ? { label } : {}),
    ...(capacity !== undefined ? { capacity } : {})
  })
  if (state === "available" && before?.state !== "available") yield* wake(next, channel)
  return next
})

const complete = Effect.fnUntraced(function* (cell: Cell, workItemId: string, code: string | undefined) {
  const closed = yield* completeWorkItem(workItemId, cell.id)
  const next: Cell = { ...cell, wrapUp: cell.wrapUp.filter((id) => id !== workItemId) }
  if (closed === undefined) return next
  yield* emit(next, "completed", { workItemId, ...(code !== undefined ? { code } : {}) })
  for (const channel of next.channels) yield* wake(next, channel.channel)
  return next
})

/**
 * The direct offer's own accept timer, kept by the queue: if it fires after an answer it finds
 * the offer settled and passes it by.
 */
const acceptKey = (offerId: string) => `accept-${offerId}`

/**
 * Hands the chat on. The agent's own work item closes (their capacity frees at once) and a new one
 * is created in the target queue, or, for a named agent, in the interaction's queue and offered to
 * that agent directly with the queue's accept time-out: if they reject it, let it time out or
 * cannot take it (away, full), the queue offers it to its other agents, so it never waits unseen.
 * A direct offer rather than a queue of one: the named agent sees it at once, and the fallback is
 * the queue routing already does. The transferring agent is recorded as having refused the new
 * item, so no queue hands the chat straight back to them.
 */
const transfer = Effect.fnUntraced(function* (cell: Cell, interactionId: string, to: TransferTarget) {
  const item = yield* openWorkItemOf(interactionId)
  const interaction = yield* findInteraction(interactionId)
  const refuse = (reason: string) => emit(cell, "transferFailed", { interactionId, reason })
  if (item === undefined || interaction === undefined || item.state !== "assigned" || item.assignedTo !== cell.id) {
    yield* refuse("the chat is not assigned to you")
    return cell
  }
  const queue =
    "queue" in to
      ? yield* findQueueByName(to.queue)
      : ((interaction.queueId === null ? undefined : yield* findQueue(interaction.queueId)) ??
        (yield* findQueueByName(defaultQueue)))
  if (queue === undefined || !queue.active) {
    yield* refuse("no such queue")
    return cell
  }
  yield* closeWorkItem(item.id)
  const moved = yield* enqueueWorkItem({ interactionId, queueId: queue.id, priority: item.priority })
  yield* recordHandedOn(moved.id, cell.id)
  yield* updateInteraction(interactionId, { queueId: queue.id, assignedTo: null })
  const direct =
    "agent" in to
      ? yield* offerWorkItem(
          moved.id,
          to.agent,
          new Date((yield* Clock.currentTimeMillis) + queue.acceptTimeoutSeconds * 1000)
        )
      : undefined
  if (direct === undefined) {
    yield* Turn.tell(Queue, queue.name, Enqueued.make({ workItemId: moved.id }))
  } else {
    const ref = { workItemId: moved.id, offerId: direct.id, agentId: direct.agentId }
    yield* Turn.tell(
      Agent,
      direct.agentId,
      Offer.make({
        offerId: direct.id,
        workItemId: moved.id,
        interactionId,
        queue: queue.name,
        channel: queue.channel,
        expiresAt: direct.expiresAt.getTime()
      })
    )
    yield* Turn.schedule(Queue, queue.name, acceptKey(direct.id), AcceptTimedOut.make(ref), direct.expiresAt)
  }
  yield* Turn.tell(
    Conversation,
    interaction.conversationId,
    Transferred.make({ interactionId, agentId: cell.id, workItemId: moved.id, queue: queue.name })
  )
  const next: Cell = { ...cell, wrapUp: cell.wrapUp.filter((id) => id !== item.id) }
  yield* emit(next, "transferred", {
    interactionId,
    workItemId: item.id,
    newWorkItemId: moved.id,
    queue: queue.name,
    ...("agent" in to ? { toAgent: to.agent } : {})
  })
  for (const channel of next.channels) yield* wake(next, channel.channel)
  return next
})

const graceKey = "disconnect-grace"

/** Forgets `ids`; when the agent has no session left, the grace starts (a socket opening cancels it). */
const dropSessions = Effect.fnUntraced(function* (cell: Cell, ids: ReadonlyArray<string>, offlineAfterMs: number) {
  const gone = new Set(ids)
  const keep = <V>(record: Readonly<Record<string, V>>) =>
    Object.fromEntries(Object.entries(record).filter(([id]) => !gone.has(id)))
  const next: Cell = { ...cell, sessions: keep(cell.sessions), openedAt: keep(cell.openedAt) }
  if (Object.keys(next.sessions).length > 0) return next
  const at = new Date((yield* Clock.currentTimeMillis) + offlineAfterMs)
  yield* Turn.schedule(Agent, cell.id, graceKey, DisconnectGraceEnded.make({}), at)
  return next
})

const socketOpened = (cell: Cell, message: SocketOpened) =>
  Effect.as(Turn.cancel(Agent.name, cell.id, graceKey), {
    ...cell,
    sessions: { ...cell.sessions, [message.sessionId]: message.node },
    openedAt:
      message.openedAt === undefined ? cell.openedAt : { ...cell.openedAt, [message.sessionId]: message.openedAt }
  } satisfies Cell)

/**
 * Sessions on a node that died (or restarted) never get their `SocketClosed`. Only when some
 * session was dropped does the grace start: a repeated `NodeGone` must not restart a grace that a
 * later socket cancelled or that already ran.
 */
const nodeGone = Effect.fnUntraced(function* (cell: Cell, message: NodeGone) {
  const { openedBefore } = message
  const stale = Object.entries(cell.sessions)
    .filter(
      ([id, node]) => node === message.node && (openedBefore === undefined || (cell.openedAt[id] ?? 0) < openedBefore)
    )
    .map(([id]) => id)
  if (stale.length === 0) return cell
  return yield* dropSessions(cell, stale, message.offlineAfterMs)
})

/** Nobody came back in time: Offline on every channel, so pending offers go to others now. */
const graceEnded = Effect.fnUntraced(function* (cell: Cell) {
  if (Object.keys(cell.sessions).length > 0) return cell
  let next = cell
  for (const channel of cell.channels) {
    if (channel.state !== "offline") next = yield* presence(next, channel.channel, "offline", undefined)
  }
  return next
})

const handle = (cell: Cell, message: Message, settings: AgentSettings) =>
  Effect.gen(function* () {
    switch (message._tag) {
      case "Offer":
        return yield* offered(cell, message)
      case "Accept":
        return yield* accept(cell, message.offerId)
      case "Reject":
        return yield* reject(cell, message.offerId, message.reason)
      case "OfferTimedOut": {
        const offer = cell.pending.find((p) => p.offerId === message.offerId)
        const next: Cell = { ...cell, pending: cell.pending.filter((p) => p.offerId !== message.offerId) }
        yield* emit(next, "offerTimedOut", { offerId: message.offerId, workItemId: message.workItemId })
        if (offer === undefined || !settings.awayOnTimeout) return next
        if (channelOf(next, offer.channel)?.state !== "available") return next
        return yield* presence(next, offer.channel, "away", "No answer")
      }
      case "SetPresence":
        return yield* presence(cell, message.channel, message.state, message.label)
      case "SetCapacity": {
        yield* setCapacity(cell.id, message.channel, message.capacity)
        const next: Cell = { ...cell, channels: yield* readChannels(cell.id, cell.labels) }
        yield* wake(next, message.channel)
        return next
      }
      case "SetUniversalCap": {
        const { universalCap: _cap, ...rest } = cell
        const next: Cell = message.cap === undefined ? rest : { ...rest, universalCap: message.cap }
        for (const channel of next.channels) yield* wake(next, channel.channel)
        return next
      }
      case "WrapUp": {
        if (cell.wrapUp.includes(message.workItemId)) return cell
        const next: Cell = { ...cell, wrapUp: [...cell.wrapUp, message.workItemId] }
        yield* emit(next, "wrapUp", { workItemId: message.workItemId })
        return next
      }
      case "Complete":
        return yield* complete(cell, message.workItemId, message.code)
      case "Transfer":
        return yield* transfer(cell, message.interactionId, message.to)
      case "SocketOpened":
        return yield* socketOpened(cell, message)
      case "SocketClosed":
        return yield* dropSessions(cell, [message.sessionId], message.offlineAfterMs)
      case "NodeGone":
        return yield* nodeGone(cell, message)
      case "DisconnectGraceEnded":
        return yield* graceEnded(cell)
    }
  })

export const make = (settings: Partial<AgentSettings> = {}, options: Partial<Actor.Options> = {}) => {
  const resolved = { ...defaultSettings, ...settings }
  return Actor.make(Agent, {
    state: stored,
    turn: (cell, message) => handle(cell, message, resolved),
    ask: (cell) =>
      Effect.succeed({
        channels: cell.channels,
        pending: cell.pending,
        wrapUp: cell.wrapUp,
        sessions: Object.keys(cell.sessions).length,
        ...(cell.universalCap !== undefined ? { universalCap: cell.universalCap } : {})
      }),
    options: { idleTimeout: "10 minutes", ...options }
  })
}

export const kind = make()
export const erased = erase(kind)
