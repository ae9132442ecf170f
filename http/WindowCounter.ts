import { createHash } from "node:crypto"
import { Clock, Effect, Option, Schema } from "effect"
import type { BusError, BusShape, Kv } from "../runtime/Bus.ts"

/**
 * Counts events per key over a sliding window, in a key/value bucket of the bus, so every node of
 * a deployment sees the same counts (NATS KV; the in-process bus for a single node). Each key
 * keeps the times of its recent events, at most `keep` of them; the bucket's max age drops a key
 * a window after its last event.
 */
export interface WindowCounter {
  /** Events within the window, and how long until the oldest of them leaves it. */
  readonly recent: (key: string) => Effect.Effect<{ readonly count: number; readonly retryAfterMs: number }>
  /** Records one event now. */
  readonly add: (key: string) => Effect.Effect<void>
  /** Forgets the key (a successful sign-in clears its account's failures). */
  readonly clear: (key: string) => Effect.Effect<void>
}

const Times = Schema.parseJson(Schema.Array(Schema.Number))
const decodeTimes = Schema.decodeUnknownOption(Times)
const encodeTimes = Schema.encodeSync(Times)
const bytes = (times: ReadonlyArray<number>) => new TextEncoder().encode(encodeTimes(times))
const timesOf = (value: Uint8Array) => Option.getOrElse(decodeTimes(new TextDecoder().decode(value)), () => [])

/** Keys are hashed: logins and addresses may hold characters a KV key cannot, and should not sit in NATS readable. */
const keyOf = (key: string) => createHash("sha256").update(key).digest("base64url").replace(/_/g, "=")

/** A counter that cannot reach the bus counts nothing and says so: the caller is not locked out by an outage. */
const logged =
  <A>(what: string, fallback: A) =>
  (e: unknown) =>
    Effect.logWarning(`throttle: ${what} unavailable`, e).pipe(Effect.as(fallback))

export const make = (
  bus: BusShape,
  options: { readonly bucket: string; readonly replicas: number; readonly windowMs: number; readonly keep: number }
): Effect.Effect<WindowCounter, BusError> =>
  Effect.gen(function* () {
    const store: Kv = yield* bus.kv({ bucket: options.bucket, replicas: options.replicas, ttl: options.windowMs })
    const inWindow = (times: ReadonlyArray<number>, now: number) => times.filter((t) => t > now - options.windowMs)

    const recent = (key: string) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const entry = yield* store.get(keyOf(key))
        const times = Option.match(entry, { onNone: () => [], onSome: (e) => inWindow(timesOf(e.value), now) })
        const oldest = times[0]
        return { count: times.length, retryAfterMs: oldest === undefined ? 0 : oldest + options.windowMs - now }
      }).pipe(Effect.catchAll(logged("count", { count: 0, retryAfterMs: 0 })))

    // Compare-and-set, retried on a conflict: two nodes counting the same key at once both count.
    const addOnce = (key: string) =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const entry = yield* store.get(key)
        if (Option.isNone(entry)) return yield* store.create(key, bytes([now]))
        const times = [...inWindow(timesOf(entry.value.value), now), now].slice(-options.keep)
        return yield* store.update(key, bytes(times), entry.value.revision)
      })

    const add = (key: string) =>
      addOnce(keyOf(key)).pipe(
        Effect.retry({ while: (e) => e._tag === "KvConflict", times: 20 }),
        Effect.asVoid,
        Effect.catchAll(logged("record", undefined))
      )

    const clear = (key: string) => store.delete(keyOf(key)).pipe(Effect.catchAll(logged("clear", undefined)))

    return { recent, add, clear }
  })
