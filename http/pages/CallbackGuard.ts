import { createHash } from "node:crypto"
import { Effect } from "effect"
import type { BusShape } from "../../runtime/Bus.ts"
import * as WindowCounter from "../WindowCounter.ts"

/**
 * What `POST /auth/apple/callback` checks beyond the signed `state`: attempts per client address
 * (the route is public), and that each state is used once — a sign-in pending for a conversation
 * takes one code; a replayed or second redirect never reaches the actor. Both live in the bus's
 * key/value store, so they hold across nodes.
 */
export interface CallbackGuard {
  /** False when the address has made `perMinute` attempts within the last minute. */
  readonly allow: (address: string) => Effect.Effect<boolean>
  /** True the first time a state is seen (within its lifetime), false after. */
  readonly firstUse: (state: string) => Effect.Effect<boolean>
}

export const make = (
  bus: BusShape,
  options: {
    readonly prefix: string
    readonly replicas: number
    readonly perMinute: number
    readonly stateTtlMs: number
  }
) =>
  Effect.gen(function* () {
    const name = (what: string) => `${options.prefix}_${what}`.replace(/[^A-Za-z0-9_-]/g, "_")
    const counter = yield* WindowCounter.make(bus, {
      bucket: name("callback_attempts"),
      replicas: options.replicas,
      windowMs: 60_000,
      keep: options.perMinute
    })
    const used = yield* bus.kv({ bucket: name("signin_states"), replicas: options.replicas, ttl: options.stateTtlMs })
    return {
      allow: (address) =>
        Effect.gen(function* () {
          const key = `address:${address}`
          if ((yield* counter.recent(key)).count >= options.perMinute) return false
          yield* counter.add(key)
          return true
        }),
      firstUse: (state) =>
        used.create(createHash("sha256").update(state).digest("hex"), new Uint8Array([1])).pipe(
          Effect.as(true),
          Effect.catchTag("KvConflict", () => Effect.succeed(false)),
          Effect.catchAll((e) => Effect.logWarning("callback: state store unavailable", e).pipe(Effect.as(false)))
        )
    } satisfies CallbackGuard
  })
