import { type Duration, Effect, Queue, Schedule, type Scope } from "effect"
import { Db } from "../../db/Db.ts"
import type { Names } from "../Address.ts"
import type { BusShape } from "../Bus.ts"
import { relay } from "./relay.ts"
import { checkFence, dueTimers, markFired, markSent as markSentRows, pendingOutbox } from "./store.ts"
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
 *
 * Relayed rows are marked sent in batches (`markSent`): one statement at a time for all of a
 * kind's partitions on this node, taking every id queued while the one before ran — one per turn
 * when idle, one for many under load. A row relayed but not marked yet when a sweep runs, or when
 * the node dies, is relayed again under the same de-dup id, which the stream drops.
 */
export interface Sweeps {
  /** Sweeps `partition` under `epoch` until the scope closes; `lose` stops the partition. */
  readonly register: (
    partition: number,
    epoch: number,
    lose: (reason: string) => Effect.Effect<void>
  ) => Effect.Effect<void, never, Scope.Scope>
  /** Queues relayed rows (by de-dup id) to be marked sent with the next batch. */
  readonly markSent: (msgIds: ReadonlyArray<string>) => Effect.Effect<void>
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
    const db = yield* Db
    const running = new Map<number, Running>()

    const unmarked = yield* Queue.unbounded<string>()
    const markSent = (msgIds: ReadonlyArray<string>) => Effect.asVoid(Queue.offerAll(unmarked, msgIds))
    const mark = (msgIds: ReadonlyArray<string>) =>
      markSentRows(msgIds).pipe(
        Effect.provideService(Db, db),
        Effect.catchAll((e) => Effect.logWarning("outbox rows not marked sent; the sweeper relays them again", e))
      )

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
        if (yield* stillOurs(partition)) yield* relay(bus, rows, markSent)
      }
    }).pipe(Effect.catchAll((e) => Effect.logWarning("outbox sweep failed", e)))

    yield* fireTimers.pipe(Effect.repeat(Schedule.spaced(args.timerInterval)), Effect.forkScoped)
    yield* Effect.gen(function* () {
      const first = yield* Queue.take(unmarked)
      yield* mark([first, ...(yield* Queue.takeAll(unmarked))])
    }).pipe(Effect.forever, Effect.forkScoped)
    yield* Effect.addFinalizer(() => Effect.flatMap(Queue.takeAll(unmarked), (left) => mark([...left])))
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
    return { register, markSent }
  }).pipe(Effect.annotateLogs({ kind: args.kind }))
