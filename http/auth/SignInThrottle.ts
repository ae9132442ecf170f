import { Context, Effect, Layer, Predicate } from "effect"
import { Bus } from "../../runtime/Bus.ts"
import { RuntimeConfig } from "../../runtime/RuntimeConfig.ts"
import * as WindowCounter from "../WindowCounter.ts"
import { AuthConfig } from "./AuthConfig.ts"
import { Throttled } from "./AuthError.ts"

export interface SignInAttempt {
  readonly login: string
  /** The client's address, as `ClientAddress` reads it. */
  readonly address: string
}

export interface SignInThrottleShape {
  /**
   * Runs a password check unless the account or the address has had too many failures within the
   * window (then `Throttled`, without checking the password at all). An `Unauthenticated` failure
   * of `attempt` is counted against both; a success clears the account's count, not the address's.
   */
  readonly guard: <A, E, R>(who: SignInAttempt, attempt: Effect.Effect<A, E, R>) => Effect.Effect<A, E | Throttled, R>
}

export class SignInThrottle extends Context.Tag("parley/http/auth/SignInThrottle")<
  SignInThrottle,
  SignInThrottleShape
>() {}

const bucketOf = (prefix: string) => `${prefix}_signin_failures`.replace(/[^A-Za-z0-9_-]/g, "_")

/** Counts live in the bus's key/value store, so the limit holds across every node, not per node. */
export const layer: Layer.Layer<SignInThrottle, unknown, Bus | RuntimeConfig | AuthConfig> = Layer.effect(
  SignInThrottle,
  Effect.gen(function* () {
    const bus = yield* Bus
    const runtime = yield* RuntimeConfig
    const config = yield* AuthConfig
    const windowMs = config.signInWindowSeconds * 1000
    const counter = yield* WindowCounter.make(bus, {
      bucket: bucketOf(runtime.subjectPrefix),
      replicas: runtime.streamReplicas,
      windowMs,
      keep: Math.max(config.signInFailuresPerAccount, config.signInFailuresPerAddress)
    })
    const accountKey = (login: string) => `account:${login.trim().toLowerCase()}`
    const addressKey = (address: string) => `address:${address}`

    const refuse = (who: SignInAttempt, what: "account" | "address", retryAfterMs: number) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000))
      return Effect.logWarning("auth: sign-in throttled").pipe(
        Effect.annotateLogs({ login: who.login, address: who.address, by: what, retryAfterSeconds }),
        Effect.zipRight(
          Effect.fail(new Throttled({ reason: `too many failed sign-ins for this ${what}`, retryAfterSeconds }))
        )
      )
    }

    return {
      guard: (who, attempt) =>
        Effect.gen(function* () {
          const [account, address] = yield* Effect.all(
            [counter.recent(accountKey(who.login)), counter.recent(addressKey(who.address))],
            { concurrency: 2 }
          )
          if (account.count >= config.signInFailuresPerAccount)
            return yield* refuse(who, "account", account.retryAfterMs)
          if (address.count >= config.signInFailuresPerAddress)
            return yield* refuse(who, "address", address.retryAfterMs)
          return yield* attempt.pipe(
            Effect.tapBoth({
              // Only wrong credentials count: a database outage is not the caller's failure.
              onFailure: (e) =>
                Predicate.isTagged(e, "Unauthenticated")
                  ? Effect.all([counter.add(accountKey(who.login)), counter.add(addressKey(who.address))], {
                      concurrency: 2,
                      discard: true
                    })
                  : Effect.void,
              onSuccess: () => counter.clear(accountKey(who.login))
            })
          )
        })
    }
  })
)
