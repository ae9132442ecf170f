import { Effect, Schedule } from "effect"
import type { AppleClient } from "../../apple/AppleClient.ts"
import type { InboundEnvelope } from "../../apple/InboundEnvelope.ts"
import { appleClient } from "../apple/GuardedAppleClient.ts"

/** Apple's download URLs live for seconds: a few quick tries, then we note it. */
const retry = Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(3)))

/** Whether a customer's interactive reply is kept at Apple by reference and not fetched yet. */
export const unresolved = (envelope: InboundEnvelope): boolean =>
  envelope.message.type === "interactive" &&
  envelope.message.interactiveData === undefined &&
  envelope.message.interactiveDataRef !== undefined

/**
 * An interactive reply Apple sent by reference (`interactiveDataRef`: a large reply, such as a
 * list picker with images) fetched, decrypted and decoded into the envelope's `interactiveData`.
 * It runs in the conversation's `prepare` step (`Behavior.prepare`, runtime/Actor.ts), before the
 * turn's transaction: three HTTP calls to Apple must not hold a database connection. Never fails:
 * what could not be fetched comes back as `problem`, which the turn records.
 */
export const resolve = (
  envelope: InboundEnvelope
): Effect.Effect<{ readonly envelope: InboundEnvelope; readonly problem?: string }, never, AppleClient> =>
  Effect.gen(function* () {
    const message = envelope.message
    if (message.type !== "interactive" || message.interactiveDataRef === undefined) return { envelope }
    const apple = yield* appleClient
    const fetched = yield* apple
      .resolveDataRef(envelope.destinationId, message.interactiveDataRef)
      .pipe(Effect.retry(retry), Effect.either)
    if (fetched._tag === "Left") {
      yield* Effect.logWarning("interactive reply not fetched from Apple", fetched.left)
      return { envelope, problem: `interactiveDataRef: ${fetched.left._tag}` }
    }
    return { envelope: { ...envelope, message: { ...message, interactiveData: fetched.right } } }
  })
