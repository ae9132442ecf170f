import { and, eq, sql } from "drizzle-orm"
import { Duration, Effect, Schedule, Schema } from "effect"
import { AppleClient } from "../../apple/AppleClient.ts"
import { type AppleError, honourRetryAfter, isRetryable } from "../../apple/AppleError.ts"
import { Db } from "../../db/Db.ts"
import { actorSnapshots } from "../../db/schema/runtime.ts"
import * as Actor from "../../runtime/Actor.ts"
import { names } from "../../runtime/Address.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import { RuntimeConfig } from "../../runtime/RuntimeConfig.ts"
import * as Turn from "../../runtime/Turn.ts"
import {
  Conversation,
  CustomerUnreachable,
  conversationId,
  DeliveryFailed
} from "../conversation/ConversationProtocol.ts"
import { AppleOutbound, type Send } from "./AppleOutboundProtocol.ts"

/**
 * The per-customer Apple sender behind `AppleOutbound`. Its turns call Apple over HTTP, so they run
 * outside the runtime's transaction (`transactional: false`) and must be idempotent: a node that
 * dies after Apple's 200 and before the turn commits sends the message again on redelivery, with
 * the same `id`. Whether Apple drops a repeated `id` is undocumented (docs/apple.md, "Open
 * questions"); the simulator treats it as an idempotency key, so there the customer sees it once.
 */

export interface SenderSettings {
  /** Tries of one send on retryable failures (5xx, timeout, connection), the first included. */
  readonly tries: number
  /** First wait between tries; doubles per try, jittered, up to `retryCap`. */
  readonly retryBase: Duration.DurationInput
  readonly retryCap: Duration.DurationInput
  /** No new try starts after this much time has passed since the first failure. */
  readonly retryWithin: Duration.DurationInput
}

/** About six tries over thirty seconds: long enough for a blip at Apple, short enough that a customer still waits. */
export const defaultSettings: SenderSettings = {
  tries: 6,
  retryBase: "1 second",
  retryCap: "10 seconds",
  retryWithin: "30 seconds"
}

const State = Schema.Struct({
  /** The customer closed the conversation (or Apple does not know them): nothing is sent. */
  closed: Schema.Boolean,
  /** Apple answered 404 for this customer; cleared when they write again. */
  unreachable: Schema.Boolean
})
type State = typeof State.Type

interface Cell extends State {
  readonly id: string
}

/** Event topic of sends dropped because the customer closed the conversation or is unreachable. */
export const droppedTopic: ReadonlyArray<string> = ["apple_out", "dropped"]

export interface Dropped {
  readonly appleMessageId: string
  readonly businessId: string
  readonly customerId: string
  readonly reason: "closed" | "unreachable"
}

const open: State = { closed: false, unreachable: false }

const decodeState = Schema.decodeUnknown(State)

/** Where this deployment keeps the sender's state (the runtime's tables are keyed by subject prefix). */
const tableKind = Effect.map(RuntimeConfig, (config) => names(config.subjectPrefix).tableKind(AppleOutbound.name))

const load = (id: string) =>
  Effect.gen(function* () {
    const kind = yield* tableKind
    const db = yield* Db
    const rows = yield* db.use("apple_out.load", (d) =>
      d
        .select({ state: actorSnapshots.state })
        .from(actorSnapshots)
        .where(and(eq(actorSnapshots.kind, kind), eq(actorSnapshots.actorId, id)))
    )
    const found = rows[0]
    return found === undefined ? open : yield* decodeState(found.state)
  })

/** Written at once (the turn is not transactional); a replayed turn writes the same value again. */
const save = (id: string, state: State) =>
  Effect.gen(function* () {
    const kind = yield* tableKind
    const db = yield* Db
    const value = { closed: state.closed, unreachable: state.unreachable }
    yield* db.use("apple_out.save", (d) =>
      d
        .insert(actorSnapshots)
        .values({ kind, actorId: id, state: value })
        .onConflictDoUpdate({
          target: [actorSnapshots.kind, actorSnapshots.actorId],
          set: { state: value, updatedAt: sql`now()` }
        })
    )
  })

const transition = (cell: Cell, next: State) =>
  cell.closed === next.closed && cell.unreachable === next.unreachable
    ? Effect.succeed(cell)
    : Effect.as(save(cell.id, next), { ...cell, ...next })

/** Retryable failures only; anything else ends the loop at once. */
const retryPolicy = (settings: SenderSettings): Schedule.Schedule<unknown, AppleError> =>
  Schedule.exponential(settings.retryBase).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((delay) => Duration.min(delay, Duration.decode(settings.retryCap))),
    Schedule.intersect(Schedule.recurs(Math.max(0, settings.tries - 1))),
    Schedule.upTo(settings.retryWithin),
    Schedule.whileInput(isRetryable),
    honourRetryAfter
  )

const send = (cell: Cell, message: typeof Send.Type, settings: SenderSettings) =>
  Effect.gen(function* () {
    const apple = yield* AppleClient
    const conversation = conversationId(message.businessId, message.customerId)
    const ids = { appleMessageId: message.appleMessageId, businessId: message.businessId }
    if (cell.closed) {
      const reason = cell.unreachable ? "unreachable" : "closed"
      yield* Effect.logInfo(`send dropped: customer ${reason}`).pipe(Effect.annotateLogs(ids))
      const dropped: Dropped = { ...ids, customerId: message.customerId, reason }
      yield* Turn.emit(droppedTopic, dropped)
      return cell
    }
    const outcome = yield* apple
      .send({ businessId: message.businessId, customerId: message.customerId }, message.content, {
        id: message.appleMessageId,
        autoReply: message.autoReply,
        ...(message.locale !== undefined ? { locale: message.locale } : {})
      })
      .pipe(Effect.retry(retryPolicy(settings)), Effect.either)
    if (outcome._tag === "Right") return cell
    const error = outcome.left
    yield* Effect.logWarning(`send not delivered: ${error._tag}`).pipe(Effect.annotateLogs(ids))
    switch (error._tag) {
      case "AppleUnknownDestination": {
        yield* Turn.tell(
          Conversation,
          conversation,
          CustomerUnreachable.make({ appleMessageId: message.appleMessageId })
        )
        return yield* transition(cell, { closed: true, unreachable: true })
      }
      case "ApplePermanent":
      case "AppleRetryable": {
        // Retries used up count as a failed delivery too: holding the message longer would hold
        // every later message to this customer, and the agent can send it again.
        const status = error._tag === "ApplePermanent" ? error.status : (error.status ?? 503)
        const reason = error._tag === "ApplePermanent" ? error.reason : `gave up after retries: ${error.reason}`
        yield* Turn.tell(
          Conversation,
          conversation,
          DeliveryFailed.make({ appleMessageId: message.appleMessageId, status, reason })
        )
        return cell
      }
    }
  })

/** The sender kind; `settings` mainly lets tests retry in milliseconds. */
export const make = (settings: Partial<SenderSettings> = {}, options: Partial<Actor.Options> = {}) => {
  const resolved = { ...defaultSettings, ...settings }
  return Actor.make(AppleOutbound, {
    activate: (id) => Effect.map(load(id), (state): Cell => ({ id, ...state })),
    turn: (cell, message) => {
      switch (message._tag) {
        case "Send":
          return send(cell, message, resolved)
        case "CustomerClosed":
          return transition(cell, { closed: true, unreachable: cell.unreachable })
        case "CustomerWrote":
          return transition(cell, open)
      }
    },
    options: {
      transactional: false,
      // In-place retries here cover the database and the commit, not Apple (retried in the turn):
      // keep them few so the nested budgets stay small.
      maxAttempts: 3,
      ...options
    }
  })
}

export const kind = make()
export const erased = erase(kind)
