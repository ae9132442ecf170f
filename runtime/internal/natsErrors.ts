import { Data, type Duration, Effect, Predicate, Schedule } from "effect"
import { BusError, BusTimeout, ConsumerGone, ConsumerNotUnique, KvConflict, NoResponders } from "../Bus.ts"

/**
 * The one place where nats.js errors become our tagged errors. nats.js errors are recognised by
 * `name` and JetStream API `code`, not `instanceof`, so a second copy of the client cannot break it.
 */

export type Mapped = BusError | BusTimeout | NoResponders | KvConflict | ConsumerGone | ConsumerNotUnique
export type Tag = Mapped["_tag"]

export interface NatsContext {
  readonly operation: string
  readonly subject?: string
  readonly stream?: string
  readonly consumer?: string
  readonly bucket?: string
  readonly key?: string
}

// JetStream API error codes (nats-server `server/errors.json`).
const wrongLastSequence = new Set([10071, 10164])
const consumerNotFound = 10014
const streamNotFound = 10059
const storeFailed = 10077
const streamNameInUse = 10058
const consumerNotUnique = 10100

const chain = (cause: unknown): ReadonlyArray<unknown> => {
  const all: Array<unknown> = []
  let current = cause
  while (current !== undefined && all.length < 8) {
    all.push(current)
    current = Predicate.hasProperty(current, "cause") ? current.cause : undefined
  }
  return all
}

const field = (error: unknown, name: "name" | "message" | "code"): unknown =>
  Predicate.hasProperty(error, name) ? error[name] : undefined

const describe = (cause: unknown): string => {
  const message = field(cause, "message")
  return typeof message === "string" ? message : String(cause)
}

/** What a nats.js failure means, before the caller's signature narrows it. */
const classify = (context: NatsContext, cause: unknown): Mapped => {
  const subject = context.subject ?? ""
  const stream = context.stream ?? ""
  const consumer = context.consumer ?? ""
  for (const error of chain(cause)) {
    const name = field(error, "name")
    const code = field(error, "code")
    const message = describe(error)
    // An ack to a deleted consumer's ack subject finds nobody listening.
    if (name === "NoResponders" && context.consumer !== undefined) return new ConsumerGone({ stream, consumer })
    if (name === "NoResponders") return new NoResponders({ subject })
    if (name === "TimeoutError") return new BusTimeout({ operation: context.operation, subject })
    if (typeof code !== "number") continue
    if (wrongLastSequence.has(code) && context.key !== undefined) {
      return new KvConflict({ bucket: context.bucket ?? "", key: context.key })
    }
    const deleted = code === 409 && /consumer deleted/i.test(message)
    if (context.consumer !== undefined && (code === consumerNotFound || code === streamNotFound || deleted)) {
      return new ConsumerGone({ stream, consumer })
    }
    if (code === consumerNotUnique) return new ConsumerNotUnique({ stream, consumer, message })
    if (code === storeFailed && /exceeded/i.test(message)) {
      return new BusError({ operation: context.operation, message: `stream full: ${message}`, cause })
    }
  }
  return new BusError({ operation: context.operation, message: describe(cause), cause })
}

/** Maps a nats.js failure to one of `allowed`, or to `BusError` when the signature has no room for it. */
export const fromNats =
  <const T extends Tag>(context: NatsContext, allowed: ReadonlyArray<T>) =>
  (cause: unknown): Extract<Mapped, { readonly _tag: T }> | BusError => {
    const mapped = classify(context, cause)
    const fits = (error: Mapped): error is Extract<Mapped, { readonly _tag: T }> =>
      allowed.some((tag) => tag === error._tag)
    if (mapped._tag === "BusError" || fits(mapped)) return mapped
    const what = mapped._tag === "NoResponders" ? `no responders on ${mapped.subject}` : mapped._tag
    const target = context.stream ?? context.bucket ?? context.subject
    const where = target === undefined ? context.operation : `${context.operation} ${target}`
    return new BusError({ operation: context.operation, message: `${where}: ${what}: ${describe(cause)}`, cause })
  }

/** Runs a nats.js promise; its failures become tagged errors. */
export const tryNats = <A, const T extends Tag = never>(
  context: NatsContext,
  run: () => Promise<A>,
  allowed: ReadonlyArray<T> = []
): Effect.Effect<A, Extract<Mapped, { readonly _tag: T }> | BusError> =>
  Effect.tryPromise({ try: run, catch: fromNats(context, allowed) })

/** Runs a synchronous nats.js call (publish, subscribe, ack kinds without a reply). */
export const tryNatsSync = <A>(context: NatsContext, run: () => A): Effect.Effect<A, BusError> =>
  Effect.try({ try: run, catch: fromNats(context, []) })

/** For deletes, where absent is fine: swallows "stream/consumer not found", rethrows the rest. */
export const ignoreNotFound = (error: unknown): void => {
  const code = field(error, "code")
  if (code !== consumerNotFound && code !== streamNotFound) throw error
}

/** `streams.add` found a stream of that name with another configuration: update it instead. */
export const isStreamNameInUse = (error: unknown): boolean => field(error, "code") === streamNameInUse

// JetStream answers of a cluster still forming: no peers to place on yet (10005), the system
// temporarily unavailable (10008), no leader to handle the request (10009), and a stream just made
// that the server asked next does not know yet (10059: a bucket's stream read right after
// `Kvm.create`, seen when three nodes start together).
const settingUp = new Set([10005, 10008, 10009, 10059])

class Transient extends Data.TaggedError("Transient")<{ readonly error: Mapped }> {}

/** How a JetStream step that got no answer is tried again: 0.25 s, doubling, at most 4 s apart, for `limit`. */
export const jetStreamBackoff = (limit: Duration.DurationInput) =>
  Schedule.exponential("250 millis").pipe(Schedule.union(Schedule.spaced("4 seconds")), Schedule.upTo(limit))

/**
 * An idempotent set-up call (a stream or bucket made or updated, the JetStream manager opened) that
 * timed out, found nobody answering, or met a cluster still forming is tried again for up to a
 * minute: nodes of a cluster start together, and while the servers elect a meta leader or place a
 * new replicated stream such requests fail. One such failure used to end the node's start.
 */
export const provisioning = <A>(context: NatsContext, run: () => Promise<A>): Effect.Effect<A, BusError> =>
  Effect.tryPromise({
    try: run,
    catch: (cause) => {
      const error = classify(context, cause)
      const transient =
        error._tag === "BusTimeout" ||
        error._tag === "NoResponders" ||
        chain(cause).some((e) => {
          const code = field(e, "code")
          return typeof code === "number" && settingUp.has(code)
        })
      return transient ? new Transient({ error }) : fromNats(context, [])(cause)
    }
  }).pipe(
    Effect.tapError((e) =>
      e._tag === "Transient"
        ? Effect.logWarning(
            `${context.operation} ${context.stream ?? context.bucket ?? ""}: ${e.error._tag}, trying again`
          )
        : Effect.void
    ),
    Effect.retry({
      while: (e) => e._tag === "Transient",
      schedule: jetStreamBackoff("60 seconds")
    }),
    Effect.catchTag("Transient", (e) =>
      Effect.fail(
        new BusError({
          operation: context.operation,
          message: `${context.operation}: still failing after a minute (${e.error._tag}: ${e.error.message})`,
          cause: e.error
        })
      )
    )
  )
