import { Clock, Duration, Effect } from "effect"
import { findInteraction, updateInteraction } from "../../db/queries/interactions.ts"
import { findQueue, findQueueByName } from "../../db/queries/queues.ts"
import { expireOffers, routingCandidates, settlePendingOffer, waitingWithRefusals } from "../../db/queries/routing.ts"
import { findWorkItem, moveWorkItem, offerWorkItems, queueStats } from "../../db/queries/workItems.ts"
import type { Queue as QueueRow } from "../../db/schema/queues.ts"
import * as Actor from "../../runtime/Actor.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import * as Turn from "../../runtime/Turn.ts"
import { Agent, Offer, OfferTimedOut } from "../agent/AgentProtocol.ts"
import { Conversation, WaitExceeded } from "../conversation/ConversationProtocol.ts"
import { plan } from "./Dispatch.ts"
import { Enqueued, type Message, OffersExpire, Queue, Sweep, WaitExpired } from "./QueueProtocol.ts"
import { requiredSkills } from "./Routing.ts"

/**
 * The queue actor. Its waiting work is the `work_items` rows in state `queued` (so nothing lives
 * only in memory); each turn reacts to one event and offers what waits to whom can take it. An
 * offer is a compare-and-set on the row (`queued` → `offered`), so an item is never offered twice
 * at once, and accepting is another (`offered` → `assigned`), so it is never assigned twice.
 *
 * A routing decision is a fixed handful of statements however much waits and however many agents
 * there are: the waiting page with its refusals, the candidate agents with their free slots, the
 * offers in one insert, and one timer for the queue's earliest accept deadline.
 */

export interface QueueSettings {
  /** How often a queue with waiting work looks again when nothing wakes it. */
  readonly sweepEvery: Duration.DurationInput
  /** Waiting items considered per turn; a full page makes the queue look again at once. */
  readonly page: number
  /** How long the queue's own row (rule, time limits, conditions) is reused before it is read again. */
  readonly configFor: Duration.DurationInput
}

export const defaultSettings: QueueSettings = { sweepEvery: "10 seconds", page: 100, configFor: "5 seconds" }

interface Cell {
  readonly name: string
  /** A sweep timer is set (memory only: after a restart one more is set, replacing it). */
  readonly sweepArmed: boolean
  /**
   * When the queue's offers timer fires (memory only: after a restart the stored timer still
   * fires, and the first new offers set it again).
   */
  readonly expiresAt: number | null
  /** The queue's row and when it was read: busy queues take many turns a second, the row rarely changes. */
  readonly config: { readonly row: QueueRow; readonly readAt: number } | undefined
}

/** Event topic of a queue's routing decisions, for live views. */
export const queueTopic = (name: string): ReadonlyArray<string> => ["queue", name]

const expiryKey = "offers-expire"
const waitKey = (workItemId: string) => `wait-${workItemId}`

const dispatch = Effect.fnUntraced(function* (cell: Cell, queue: QueueRow, settings: QueueSettings) {
  const waiting = yield* waitingWithRefusals(queue.id, settings.page)
  if (waiting.length === 0) return cell
  const candidates = yield* routingCandidates({ channel: queue.channel, requiredSkills: requiredSkills(queue) })
  const now = yield* Clock.currentTimeMillis
  const refused = new Map(waiting.map((w) => [w.id, new Set(w.refusedBy)]))
  const picks = plan(waiting, candidates, refused, queue.assignmentRule, now)
  const expiresAt = new Date(now + queue.acceptTimeoutSeconds * 1000)
  const made = new Map((yield* offerWorkItems(picks, expiresAt)).map((o) => [o.workItemId, o]))
  const byId = new Map(waiting.map((w) => [w.id, w]))
  for (const pick of picks) {
    const offer = made.get(pick.workItemId)
    const item = byId.get(pick.workItemId)
    if (offer === undefined || item === undefined) continue
    yield* Turn.tell(
      Agent,
      offer.agentId,
      Offer.make({
        offerId: offer.id,
        workItemId: item.id,
        interactionId: item.interactionId,
        queue: cell.name,
        channel: queue.channel,
        expiresAt: expiresAt.getTime()
      })
    )
    yield* Turn.emit(queueTopic(cell.name), {
      type: "offered",
      workItemId: item.id,
      offerId: offer.id,
      agentId: offer.agentId
    })
  }
  let next = cell
  // Every offer of this queue runs as long, so only the first after a quiet spell sets the timer.
  if (made.size > 0 && (cell.expiresAt === null || cell.expiresAt > expiresAt.getTime())) {
    yield* Turn.schedule(Queue, cell.name, expiryKey, OffersExpire.make({}), expiresAt)
    next = { ...next, expiresAt: expiresAt.getTime() }
  }
  if (made.size === waiting.length && waiting.length === settings.page) {
    yield* Turn.tell(Queue, cell.name, Sweep.make({}))
    return next
  }
  if (made.size < waiting.length && !next.sweepArmed) {
    const at = new Date(now + Duration.toMillis(Duration.decode(settings.sweepEvery)))
    yield* Turn.schedule(Queue, cell.name, "sweep", Sweep.make({}), at)
    return { ...next, sweepArmed: true }
  }
  return next
})

/** Times out every offer past its limit (each agent hears of it), then sets the timer for the next one. */
const expire = Effect.fnUntraced(function* (cell: Cell, queue: QueueRow) {
  const expired = yield* expireOffers(queue.id, new Date(yield* Clock.currentTimeMillis))
  for (const offer of expired.offers) {
    yield* Turn.tell(Agent, offer.agentId, OfferTimedOut.make({ offerId: offer.offerId, workItemId: offer.workItemId }))
    yield* Turn.emit(queueTopic(cell.name), { type: "timedOut", ...offer })
  }
  if (expired.nextAt === undefined) return { ...cell, expiresAt: null }
  yield* Turn.schedule(Queue, cell.name, expiryKey, OffersExpire.make({}), expired.nextAt)
  return { ...cell, expiresAt: expired.nextAt.getTime() }
})

const enqueued = Effect.fnUntraced(function* (queue: QueueRow, workItemId: string) {
  if (queue.maxWaitSeconds === null) return
  const item = yield* findWorkItem(workItemId)
  if (item === undefined || item.queueId !== queue.id || item.state !== "queued") return
  const at = new Date((yield* Clock.currentTimeMillis) + queue.maxWaitSeconds * 1000)
  yield* Turn.schedule(Queue, queue.name, waitKey(workItemId), WaitExpired.make({ workItemId }), at)
})

/** The item waited this queue's maximum: on to the overflow queue, or, at the end of the line, tell the customer. */
const waitExpired = Effect.fnUntraced(function* (queue: QueueRow, workItemId: string) {
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
        // The offers timer stays: when it fires it finds this offer settled and passes it by.
        if (queue.maxWaitSeconds !== null) yield* Turn.cancel(Queue.name, cell.name, waitKey(message.workItemId))
        return cell
      case "OfferRejected":
      case "OfferDeclined":
        return yield* dispatch(cell, queue, settings)
      case "OffersExpire":
        return yield* dispatch(yield* expire(cell, queue), queue, settings)
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
  const configFor = Duration.decode(resolved.configFor)
  return Actor.make(Queue, {
    activate: (name) => Effect.succeed<Cell>({ name, sweepArmed: false, expiresAt: null, config: undefined }),
    turn: (cell, message) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const fresh = cell.config !== undefined && now - cell.config.readAt < Duration.toMillis(configFor)
        const queue = fresh ? cell.config?.row : yield* findQueueByName(cell.name)
        if (queue === undefined) {
          yield* Effect.logWarning("message for an unknown queue").pipe(Effect.annotateLogs({ queue: cell.name }))
          return { ...cell, config: undefined }
        }
        const config = fresh ? cell.config : { row: queue, readAt: now }
        return yield* handle({ ...cell, config }, queue, message, resolved)
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
