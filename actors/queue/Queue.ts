import { Clock, Duration, Effect } from "effect"
import { availableAgents } from "../../db/queries/agents.ts"
import { findInteraction, updateInteraction } from "../../db/queries/interactions.ts"
import { findQueue, findQueueByName } from "../../db/queries/queues.ts"
import { refusersOf, settlePendingOffer } from "../../db/queries/routing.ts"
import { findWorkItem, moveWorkItem, offerWorkItem, queueStats, waitingWorkItems } from "../../db/queries/workItems.ts"
import type { Queue as QueueRow } from "../../db/schema/queues.ts"
import * as Actor from "../../runtime/Actor.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import * as Turn from "../../runtime/Turn.ts"
import { Agent, Offer, OfferTimedOut } from "../agent/AgentProtocol.ts"
import { Conversation, WaitExceeded } from "../conversation/ConversationProtocol.ts"
import { plan } from "./Dispatch.ts"
import { AcceptTimedOut, Enqueued, type Message, Queue, Sweep, WaitExpired } from "./QueueProtocol.ts"
import { requiredSkills } from "./Routing.ts"

/**
 * The queue actor. Its waiting work is the `work_items` rows in state `queued` (so nothing lives
 * only in memory); each turn reacts to one event and offers what waits to whom can take it. An
 * offer is a compare-and-set on the row (`queued` → `offered`), so an item is never offered twice
 * at once, and accepting is another (`offered` → `assigned`), so it is never assigned twice.
 */

export interface QueueSettings {
  /** How often a queue with waiting work looks again when nothing wakes it. */
  readonly sweepEvery: Duration.DurationInput
  /** Waiting items considered per turn; a full page makes the queue look again at once. */
  readonly page: number
}

export const defaultSettings: QueueSettings = { sweepEvery: "10 seconds", page: 100 }

interface Cell {
  readonly name: string
  /** A sweep timer is set (memory only: after a restart one more is set, replacing it). */
  readonly sweepArmed: boolean
}

/** Event topic of a queue's routing decisions, for live views. */
export const queueTopic = (name: string): ReadonlyArray<string> => ["queue", name]

const acceptKey = (offerId: string) => `accept-${offerId}`
const waitKey = (workItemId: string) => `wait-${workItemId}`

const dispatch = Effect.fn("Queue.dispatch")(function* (cell: Cell, queue: QueueRow, settings: QueueSettings) {
  const waiting = yield* waitingWorkItems(queue.id, settings.page)
  if (waiting.length === 0) return cell
  const agents = yield* availableAgents({
    channel: queue.channel,
    requiredSkills: requiredSkills(queue),
    rule: queue.assignmentRule
  })
  const refused = new Map<string, Set<string>>()
  if (agents.length > 0) {
    for (const r of yield* refusersOf(waiting.map((w) => w.id))) {
      const set = refused.get(r.workItemId) ?? new Set<string>()
      set.add(r.agentId)
      refused.set(r.workItemId, set)
    }
  }
  const now = yield* Clock.currentTimeMillis
  const candidates = agents.map((a) => ({
    agentId: a.agentId,
    free: a.capacity - a.active,
    lastAssignedAt: a.lastAssignedAt?.getTime() ?? null
  }))
  const byId = new Map(waiting.map((w) => [w.id, w]))
  let offered = 0
  for (const chosen of plan(waiting, candidates, refused, queue.assignmentRule, now)) {
    const item = byId.get(chosen.workItemId)
    if (item === undefined) continue
    const expiresAt = new Date(now + queue.acceptTimeoutSeconds * 1000)
    const offer = yield* offerWorkItem(item.id, chosen.agentId, expiresAt)
    if (offer === undefined) continue
    offered++
    const ref = { workItemId: item.id, offerId: offer.id, agentId: chosen.agentId }
    yield* Turn.tell(
      Agent,
      chosen.agentId,
      Offer.make({
        offerId: offer.id,
        workItemId: item.id,
        interactionId: item.interactionId,
        queue: cell.name,
        channel: queue.channel,
        expiresAt: expiresAt.getTime()
      })
    )
    yield* Turn.schedule(Queue, cell.name, acceptKey(offer.id), AcceptTimedOut.make(ref), expiresAt)
    yield* Turn.emit(queueTopic(cell.name), { type: "offered", ...ref })
  }
  if (offered === waiting.length && waiting.length === settings.page) {
    yield* Turn.tell(Queue, cell.name, Sweep.make({}))
    return cell
  }
  if (offered < waiting.length && !cell.sweepArmed) {
    const at = new Date(now + Duration.toMillis(Duration.decode(settings.sweepEvery)))
    yield* Turn.schedule(Queue, cell.name, "sweep", Sweep.make({}), at)
    return { ...cell, sweepArmed: true }
  }
  return cell
})

const enqueued = Effect.fn("Queue.enqueued")(function* (queue: QueueRow, workItemId: string) {
  const item = yield* findWorkItem(workItemId)
  if (item === undefined || item.queueId !== queue.id || item.state !== "queued") return
  if (queue.maxWaitSeconds !== null) {
    const at = new Date((yield* Clock.currentTimeMillis) + queue.maxWaitSeconds * 1000)
    yield* Turn.schedule(Queue, queue.name, waitKey(workItemId), WaitExpired.make({ workItemId }), at)
  }
})

/** The item waited this queue's maximum: on to the overflow queue, or, at the end of the line, tell the customer. */
const waitExpired = Effect.fn("Queue.waitExpired")(function* (queue: QueueRow, workItemId: string) {
  const item = yield* findWorkItem(workItemId)
  if (item === undefined || item.queueId !== queue.id) return
  if (item.state === "offered") {
    // An agent is looking at it now; decide once that offer is answered or timed out.
    const at = new Date((yield* Clock.currentTimeMillis) + queue.acceptTimeoutSeconds * 1000)
    yield* Turn.schedule(Queue, queue.name, waitKey(workItemId), WaitExpired.make({ workItemId }), at)
    return
  }
  if (item.state !== "queued") return
  const overflow = queue.overflowQueueId === null ? undefined : yield* findQueue(queue.overflowQueueId)
  if (overflow?.active) {
    const moved = yield* moveWorkItem(workItemId, overflow.id)
    if (moved === undefined) return
    yield* updateInteraction(item.interactionId, { queueId: overflow.id })
    yield* Turn.tell(Queue, overflow.name, Enqueued.make({ workItemId }))
    yield* Turn.emit(queueTopic(queue.name), { type: "overflowed", workItemId, to: overflow.name })
    return
  }
  const interaction = yield* findInteraction(item.interactionId)
  if (interaction === undefined) return
  yield* Turn.tell(
    Conversation,
    interaction.conversationId,
    WaitExceeded.make({ interactionId: item.interactionId, workItemId, queue: queue.name })
  )
  yield* Turn.emit(queueTopic(queue.name), { type: "waitExceeded", workItemId })
})

const handle = (cell: Cell, queue: QueueRow, message: Message, settings: QueueSettings) =>
  Effect.gen(function* () {
    switch (message._tag) {
      case "Enqueued":
        yield* enqueued(queue, message.workItemId)
        return yield* dispatch(cell, queue, settings)
      case "AgentAvailable":
        return yield* dispatch(cell, queue, settings)
      case "Sweep":
        return yield* dispatch({ ...cell, sweepArmed: false }, queue, settings)
      case "OfferAccepted":
        yield* Turn.cancel(Queue.name, cell.name, acceptKey(message.offerId))
        yield* Turn.cancel(Queue.name, cell.name, waitKey(message.workItemId))
        return cell
      case "OfferRejected":
      case "OfferDeclined":
        yield* Turn.cancel(Queue.name, cell.name, acceptKey(message.offerId))
        return yield* dispatch(cell, queue, settings)
      case "AcceptTimedOut": {
        const settled = yield* settlePendingOffer(message.offerId, "timed_out")
        if (settled.offer !== undefined) {
          yield* Turn.tell(
            Agent,
            message.agentId,
            OfferTimedOut.make({ offerId: message.offerId, workItemId: message.workItemId })
          )
          yield* Turn.emit(queueTopic(cell.name), { type: "timedOut", ...message })
        }
        return yield* dispatch(cell, queue, settings)
      }
      case "WaitExpired":
        yield* waitExpired(queue, message.workItemId)
        return cell
    }
  })

export const make = (settings: Partial<QueueSettings> = {}, options: Partial<Actor.Options> = {}) => {
  const resolved = { ...defaultSettings, ...settings }
  return Actor.make(Queue, {
    activate: (name) => Effect.succeed<Cell>({ name, sweepArmed: false }),
    turn: (cell, message) =>
      Effect.gen(function* () {
        const queue = yield* findQueueByName(cell.name)
        if (queue === undefined) {
          yield* Effect.logWarning("message for an unknown queue").pipe(Effect.annotateLogs({ queue: cell.name }))
          return cell
        }
        return yield* handle(cell, queue, message, resolved)
      }),
    ask: (cell) =>
      Effect.gen(function* () {
        const queue = yield* findQueueByName(cell.name)
        if (queue === undefined) return { waiting: 0, oldestWaitSeconds: null }
        const stats = yield* queueStats(queue.id)
        const now = yield* Clock.currentTimeMillis
        const oldest = stats.oldestCreatedAt
        return {
          waiting: stats.waiting,
          oldestWaitSeconds: oldest === null ? null : Math.max(0, Math.round((now - oldest.getTime()) / 1000))
        }
      }).pipe(Effect.orDie),
    options: { idleTimeout: "10 minutes", ...options }
  })
}

export const kind = make()
export const erased = erase(kind)
