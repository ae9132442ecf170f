import { type Duration, Effect, Schedule, type Scope } from "effect"
import type { Db } from "../../db/Db.ts"
import type { Names } from "../Address.ts"
import type { BusShape } from "../Bus.ts"
import { relay } from "./relay.ts"
import { checkFence, dueTimers, markFired, pendingOutbox } from "./store.ts"
import { now } from "./turnContext.ts"

/**
 * One timer poller and one outbox sweeper per actor kind on this node, over every partition of
 * that kind the node runs. Per partition they were 152 pollers and ~230 idle queries a second on
 * one node, half again as many queries as the turns themselves at the node's usual load.
 *
 * Both publish what committed turns wrote. A former owner that slept through a takeover must not
 * publish it again after the stream's de-dup window, so a partition's share of a round checks
 * that partition's fence first, and a moved fence stops the partition (as a turn's failed check
 * does). Only a round that found work costs that query.
 */
export interface Sweeps {
  /** Sweeps `partition` under `epoch` until the scope closes; `lose` stops the partition. */
  readonly register: (
    partition: number,
    epoch: number,
    lose: (reason: string) => Effect.Effect<void>
  ) => Effect.Effect<void, never, Scope.Scope>
}

interface Running {
  readonly epoch: number
  readonly lose: (reason: string) => Effect.Effect<void>
}

const encoder = new TextEncoder()

/** Rows of a query over several partitions, per partition, each in the query's order. */
const byPartition = <A extends { readonly partition: number }>(rows: ReadonlyArray<A>) => {
  const groups = new Map<number, Array<A>>()
  for (const row of rows) {
    const group = groups.get(row.partition)
    if (group === undefined) groups.set(row.partition, [row])
    else group.push(row)
  }
  return groups
}

export const make = (args: {
  readonly kind: string
  readonly tableKind: string
  readonly names: Names
  readonly bus: BusShape
  readonly timerInterval: Duration.DurationInput
  readonly sweepInterval: Duration.DurationInput
}): Effect.Effect<Sweeps, never, Db | Scope.Scope> =>
  Effect.gen(function* () {
    const { tableKind, bus } = args
    const running = new Map<number, Running>()

    /** Whether `partition` is still ours under the epoch it was registered with; stops it if not. */
    const stillOurs = (partition: number) =>
      Effect.suspend(() => {
        const entry = running.get(partition)
        if (entry === undefined) return Effect.succeed(false)
        return checkFence(tableKind, partition, entry.epoch).pipe(
          Effect.as(true),
          Effect.catchTag("FenceLost", () => Effect.as(entry.lose("fence lost"), false))
        )
      })

    const fireTimers = Effect.gen(function* () {
      if (running.size === 0) return
      const due = yield* dueTimers(tableKind, [...running.keys()], yield* now, 500)
      for (const [partition, timers] of byPartition(due)) {
        if (!(yield* stillOurs(partition))) continue
        for (const timer of timers) {
          yield* bus.publishDurable(
            args.names.actorSubject(args.kind, partition, timer.actorId),
            encoder.encode(timer.payload),
            { msgId: `timer-${timer.id}`, headers: { "parley-timer": timer.key } }
          )
          yield* markFired(timer.id)
        }
      }
    }).pipe(Effect.catchAll((e) => Effect.logWarning("timers not fired this round", e)))

    const sweep = Effect.gen(function* () {
      if (running.size === 0) return
      const pending = yield* pendingOutbox(tableKind, [...running.keys()], 500)
      for (const [partition, rows] of byPartition(pending)) {
        if (yield* stillOurs(partition)) yield* relay(bus, rows)
      }
    }).pipe(Effect.catchAll((e) => Effect.logWarning("outbox sweep failed", e)))

    yield* fireTimers.pipe(Effect.repeat(Schedule.spaced(args.timerInterval)), Effect.forkScoped)
    yield* sweep.pipe(
      Effect.delay(args.sweepInterval),
      Effect.repeat(Schedule.spaced(args.sweepInterval)),
      Effect.forkScoped
    )

    const register: Sweeps["register"] = (partition, epoch, lose) =>
      Effect.acquireRelease(
        Effect.sync(() => running.set(partition, { epoch, lose })),
        () =>
          Effect.sync(() => {
            // A newer registration of the same partition (a quick re-take) is not ours to remove.
            if (running.get(partition)?.epoch === epoch) running.delete(partition)
          })
      ).pipe(Effect.asVoid)
    return { register }
  }).pipe(Effect.annotateLogs({ kind: args.kind }))
