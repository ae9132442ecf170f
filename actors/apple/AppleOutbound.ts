import { Chunk, Duration, Effect, Either, Option, Schedule, Schema, Stream } from "effect"
import type { FileToSend } from "../../apple/AppleClient.ts"
import { type AppleError, honourRetryAfter, isRetryable } from "../../apple/AppleError.ts"
import type { OutboundContent } from "../../apple/OutboundMessage.ts"
import * as Actor from "../../runtime/Actor.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import { ObjectStore } from "../../runtime/ObjectStore.ts"
import * as Turn from "../../runtime/Turn.ts"
import {
  Conversation,
  CustomerUnreachable,
  conversationId,
  DeliveryFailed
} from "../conversation/ConversationProtocol.ts"
import { AppleOutbound, type Part } from "./AppleOutboundProtocol.ts"
import { appleClient } from "./GuardedAppleClient.ts"

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

/**
 * The Apple ids that got Apple's 200 in the turn of stream sequence `seq`, kept in memory across
 * in-place retries of that turn (its state is not, a failed turn's is dropped), so a retry resumes
 * after the last part delivered instead of sending the answer again.
 */
interface Delivered {
  seq: number
  readonly ids: Set<string>
}

interface Cell extends State {
  readonly id: string
  readonly delivered: Delivered
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

/** The runtime stores the change (`Behavior.state`); the sender's turn is not transactional, so at once. */
const transition = (cell: Cell, next: State) =>
  Effect.succeed(cell.closed === next.closed && cell.unreachable === next.unreachable ? cell : { ...cell, ...next })

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

/** Whom an answer goes to. */
interface Recipient {
  readonly businessId: string
  readonly customerId: string
  readonly locale?: string | undefined
}

const noFiles = Effect.succeed(Either.right<ReadonlyArray<FileToSend>>([]))

/** A part's files read from the object store, or why they cannot be sent. */
const filesOf = (part: Part) => (part.files === undefined || part.files.length === 0 ? noFiles : readFiles(part))

const readFiles = (part: Part) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    return yield* Effect.forEach(part.files ?? [], (file) =>
      Effect.gen(function* () {
        const found = yield* store.get(file.id)
        if (Option.isNone(found)) return yield* Effect.fail(`file ${file.name} is no longer stored`)
        const chunks = yield* Stream.runCollect(found.value.data)
        const data = new Uint8Array(Buffer.concat(Chunk.toReadonlyArray(chunks)))
        return { name: file.name, mimeType: file.mimeType, data }
      })
    )
  }).pipe(
    Effect.catchTag("ObjectStoreError", (e) => Effect.fail(`file store unavailable: ${e.message}`)),
    Effect.either
  )

/**
 * Encrypts and uploads each file to Apple (preUpload, upload) and adds it to the text; done on
 * every try, since Apple's upload is tied to that try's message.
 */
const withAttachments = (businessId: string, content: OutboundContent, files: ReadonlyArray<FileToSend>) =>
  files.length === 0 || content.type !== "text"
    ? Effect.succeed(content)
    : Effect.flatMap(appleClient, (apple) =>
        Effect.map(
          Effect.forEach(files, (file) => apple.uploadAttachment(businessId, file)),
          (attachments): OutboundContent => ({ ...content, attachments })
        )
      )

/** Sends one part; the cell after it (a 404 closes it) and whether Apple answered 200. */
const sendPart = (cell: Cell, to: Recipient, part: Part, retry: Schedule.Schedule<unknown, AppleError>) =>
  Effect.gen(function* () {
    const apple = yield* appleClient
    const conversation = conversationId(to.businessId, to.customerId)
    const ids = { appleMessageId: part.appleMessageId, businessId: to.businessId }
    if (cell.closed) {
      const reason = cell.unreachable ? "unreachable" : "closed"
      yield* Effect.logInfo(`send dropped: customer ${reason}`).pipe(Effect.annotateLogs(ids))
      const dropped: Dropped = { ...ids, customerId: to.customerId, reason }
      yield* Turn.emit(droppedTopic, dropped)
      return [cell, false] as const
    }
    const files = yield* filesOf(part)
    if (files._tag === "Left") {
      yield* Effect.logError(`send not delivered: ${files.left}`).pipe(Effect.annotateLogs(ids))
      yield* Turn.tell(
        Conversation,
        conversation,
        DeliveryFailed.make(
          { appleMessageId: part.appleMessageId, status: 500, reason: files.left },
          { disableValidation: true }
        )
      )
      return [cell, false] as const
    }
    const outcome = yield* withAttachments(to.businessId, part.content, files.right)
      .pipe(
        Effect.flatMap((content) =>
          apple.send({ businessId: to.businessId, customerId: to.customerId }, content, {
            id: part.appleMessageId,
            autoReply: part.autoReply,
            ...(to.locale !== undefined ? { locale: to.locale } : {})
          })
        )
      )
      .pipe(Effect.retry(retry), Effect.either)
    if (outcome._tag === "Right") return [cell, true] as const
    const error = outcome.left
    yield* Effect.logWarning(`send not delivered: ${error._tag}`).pipe(Effect.annotateLogs(ids))
    switch (error._tag) {
      case "AppleUnknownDestination": {
        yield* Turn.tell(
          Conversation,
          conversation,
          CustomerUnreachable.make({ appleMessageId: part.appleMessageId }, { disableValidation: true })
        )
        return [yield* transition(cell, { closed: true, unreachable: true }), false] as const
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
          DeliveryFailed.make({ appleMessageId: part.appleMessageId, status, reason }, { disableValidation: true })
        )
        return [cell, false] as const
      }
    }
  })

/**
 * Sends the parts in order, each after Apple's answer for the one before. A part that fails is
 * reported to the conversation and the next one still goes (holding them would hold every later
 * message to this customer); once the customer is unreachable or closed the rest are dropped.
 */
const sendAll = (
  cell: Cell,
  to: Recipient,
  parts: ReadonlyArray<Part>,
  retry: Schedule.Schedule<unknown, AppleError>
) =>
  Effect.gen(function* () {
    const { seq } = yield* Turn.Turn
    const delivered = cell.delivered
    if (delivered.seq !== seq) {
      delivered.seq = seq
      delivered.ids.clear()
    }
    let current = cell
    for (const part of parts) {
      if (delivered.ids.has(part.appleMessageId)) continue
      const [next, ok] = yield* sendPart(current, to, part, retry)
      if (ok) delivered.ids.add(part.appleMessageId)
      current = next
    }
    return current
  })

/** The sender kind; `settings` mainly lets tests retry in milliseconds. */
export const make = (settings: Partial<SenderSettings> = {}, options: Partial<Actor.Options> = {}) => {
  // Built once: a schedule is a description, each send runs it afresh.
  const retry = retryPolicy({ ...defaultSettings, ...settings })
  return Actor.make(AppleOutbound, {
    // What is kept is whether the customer closed the chat or is unreachable; deliveries in
    // progress are this activation's own.
    state: Actor.stored({
      schema: State,
      initial: open,
      keep: (cell: Cell): State => ({ closed: cell.closed, unreachable: cell.unreachable }),
      restore: (id, state) => Effect.succeed<Cell>({ id, ...state, delivered: { seq: 0, ids: new Set() } })
    }),
    turn: (cell, message) => {
      switch (message._tag) {
        case "Send":
          return sendAll(cell, message, [message], retry)
        case "SendAll":
          return sendAll(cell, message, message.parts, retry)
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
