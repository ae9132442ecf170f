import { Data, Effect, FiberRef } from "effect"

/**
 * No HTTP inside a transactional turn: a call-out there holds a database connection and the
 * partition's fence for as long as the remote side takes, and cannot be rolled back with the turn.
 * Call-outs belong in a kind's `prepare` step (`Behavior.prepare`, runtime/Actor.ts) or in a turn
 * of a kind that is not transactional (`Options.transactional`). The runtime marks the part of a
 * transactional turn that runs inside its transaction (runtime/internal/actorCell.ts); every
 * call-out goes through `callOut`, which refuses to run there.
 */

/** True while the fiber runs the part of a transactional turn inside the runtime's transaction. */
export const inTransactionalTurn: FiberRef.FiberRef<boolean> = FiberRef.unsafeMake(false)

/** A call-out was made inside a transactional turn: a defect of the kind, not of the remote side. */
export class CallOutInTransaction extends Data.TaggedError("CallOutInTransaction")<{ readonly what: string }> {
  override get message(): string {
    return `call-out "${this.what}" inside a transactional turn: make it in the kind's prepare step`
  }
}

/**
 * Runs `effect`, an HTTP call named `what`, unless the fiber is inside a transactional turn:
 * there it dies with `CallOutInTransaction` and the call is never made.
 */
export const callOut = <A, E, R>(what: string, effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(FiberRef.get(inTransactionalTurn), (inside) =>
    inside ? Effect.die(new CallOutInTransaction({ what })) : effect
  )

/** Runs `effect` as the transactional part of a turn: `callOut` refuses within it. */
export const transactionalPart = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.locally(effect, inTransactionalTurn, true)
