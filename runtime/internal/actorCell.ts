import { Cause, Clock, Data, Deferred, Duration, Effect, Exit, Metric, Option, Random, type Scope } from "effect"
import type { Db, DbShape } from "../../db/Db.ts"
import type { Options } from "../Actor.ts"
import type { Names } from "../Address.ts"
import type { BusShape, Delivery } from "../Bus.ts"
import { transactionalPart } from "../CallOut.ts"
import type { ErasedKind, Instance, Prepared } from "../ErasedKind.ts"
import * as M from "../Metrics.ts"
import { Turn } from "../Turn.ts"
import type { Resident } from "./liveActors.ts"
import { relay } from "./relay.ts"
import {
  claimTurn,
  claimTurns,
  FenceLost,
  insertDeadLetter,
  insertOutbox,
  lastSeq,
  type OutboxRow,
  recordTurn,
  recordTurns,
  type SentRow,
  turnGate
} from "./store.ts"
import { makeTurn } from "./turnContext.ts"

export type Job =
  | { readonly _tag: "Delivery"; readonly delivery: Delivery }
  | { readonly _tag: "Ask"; readonly payload: string; readonly reply: Deferred.Deferred<string> }

/**
 * One live actor as its partition keeps it. An idle actor is this object and its state, nothing
 * more: the mailbox array exists only while it has work, and workers are shared by the partition.
 */
export class Cell<R> implements Resident {
  instance: Instance<R> | undefined = undefined
  /** Jobs waiting for the worker, oldest first; undefined while idle. */
  jobs: Array<Job> | undefined = undefined
  /** Scheduled: waiting for a worker or in a job. Cleared only when no job is left. */
  running = false
  /** Opened by the worker when it takes a job, for a producer waiting on a full mailbox. */
  space: Deferred.Deferred<void> | undefined = undefined
  /** Clock millis of the last message in or turn out: the idle sweep's measure. */
  lastUsed = 0
  restarts: Array<number> | undefined = undefined

  constructor(
    readonly id: string,
    private readonly home: Home<R>
  ) {}

  get idle(): boolean {
    return !this.running
  }

  passivate(reason: "idle" | "cap"): void {
    this.home.drop(this, reason)
  }
}

/** The partition holding a cell: the one place that removes it. */
export interface Home<R> {
  readonly drop: (cell: Cell<R>, reason: "idle" | "cap") => void
}

/** What every actor of one partition shares; built once per partition, not per actor. */
export interface CellEnv<R> {
  readonly kind: ErasedKind<R>
  readonly partition: number
  readonly epoch: number
  readonly node: string
  readonly names: Names
  readonly bus: BusShape
  readonly db: DbShape
  readonly options: Options
  readonly audit: boolean
  /** Queues relayed outbox rows to be marked sent (batched per kind, runtime/internal/sweeps.ts). */
  readonly markSent: (msgIds: ReadonlyArray<string>) => Effect.Effect<void>
  /** The partition's scope: work forked here ends with the partition. */
  readonly scope: Scope.Scope
  /** The partition is no longer ours (fence or consumer lost): stop everything. */
  readonly lose: (reason: string) => Effect.Effect<void>
  /** Takes the actor's next job (synchronously), making room for a waiting producer. */
  readonly take: (cell: Cell<R>) => Job | undefined
  /** After a job: schedules the actor again if it has more, else marks it idle. */
  readonly settle: (cell: Cell<R>) => Effect.Effect<void>
}

const text = new TextDecoder()

/**
 * One job of one actor, as a partition's worker runs it: runs each turn in a transaction (fence check, dedupe by sequence, state,
 * outbox), acks after commit, relays the outbox. A failing turn is retried in place — later
 * messages wait, so order is never broken — then dead-lettered.
 */
export interface Worker<R> {
  /** The actor's next job alone (its own transaction). */
  readonly one: (cell: Cell<R>) => Effect.Effect<void, never, R | Db>
  /** The next job of each of these actors, their turns committed together when the kind is transactional. */
  readonly group: (cells: ReadonlyArray<Cell<R>>) => Effect.Effect<void, never, R | Db>
}

export const makeWorker = <R>(env: CellEnv<R>): Worker<R> => {
  const { kind, partition, epoch, options, db } = env
  const tableKind = env.names.tableKind(kind.name)
  const metrics = {
    deadLetters: Metric.tagged(M.deadLetters, "kind", kind.name),
    skipped: Metric.tagged(M.messagesSkipped, "kind", kind.name),
    handled: Metric.tagged(M.messagesHandled, "kind", kind.name),
    duration: Metric.tagged(M.turnDuration, "kind", kind.name),
    retries: Metric.tagged(M.turnRetries, "kind", kind.name)
  }
  const restartWindow = Duration.toMillis(options.restartWindow)
  const retryBase = Duration.toMillis(options.retryBase)
  const retryCap = Duration.toMillis(options.retryCap)

  const ensureInstance = (cell: Cell<R>) =>
    Effect.suspend(() =>
      cell.instance !== undefined
        ? Effect.succeed(cell.instance)
        : Effect.tap(kind.instantiate(cell.id, tableKind), (i) =>
            Effect.sync(() => {
              cell.instance = i
            })
          )
    )

  /** Whether the message `seq` of actor `id` has had its turn committed (a redelivery). */
  const committedAlready = (id: string, seq: number) => Effect.map(lastSeq(tableKind, id), (last) => last >= seq)

  const deadLetter = (id: string, delivery: Delivery, reason: string, attempts: number) =>
    Effect.gen(function* () {
      yield* Effect.logError("dead-lettering message", { reason, attempts })
      yield* env.bus
        .publishDurable(env.names.dlqSubject(kind.name, partition, id), delivery.data, {
          msgId: `dlq-${kind.name}-${partition}-${delivery.seq}`,
          headers: {
            ...delivery.headers,
            "parley-cause": reason.slice(0, 1000),
            "parley-kind": kind.name,
            "parley-actor": id,
            "parley-seq": String(delivery.seq)
          }
        })
        .pipe(Effect.catchAll((e) => Effect.logWarning("dead-letter stream unavailable", e)))
      yield* insertDeadLetter({
        kind: tableKind,
        actorId: id,
        partition,
        seq: delivery.seq,
        subject: delivery.subject,
        payload: text.decode(delivery.data),
        cause: reason.slice(0, 4000),
        attempts
      }).pipe(Effect.catchAll((e) => Effect.logWarning("dead_letters row not written", e)))
      yield* delivery.term(reason.slice(0, 200)).pipe(Effect.ignore)
      yield* Metric.increment(metrics.deadLetters)
    })

  const attemptTurn = (cell: Cell<R>, delivery: Delivery) =>
    Effect.gen(function* () {
      const current = yield* ensureInstance(cell)
      const id = cell.id
      const turn = makeTurn(env.names, db, { kind: kind.name, id, partition, seq: delivery.seq, node: env.node, epoch })
      // A turn that calls out (an HTTP call to Apple) cannot be rolled back: a committed message
      // skips it, and the fence is checked before it, not only at commit, so a paused former owner
      // does not send what the new owner sends too. One statement for both.
      if (!options.transactional && !(yield* turnGate(tableKind, partition, epoch, id, delivery.seq)))
        return Option.none()
      // Outside the transaction: a kind's `prepare` step may call out (`Behavior.prepare`,
      // runtime/Actor.ts); a committed message skips its call-outs too.
      const prepared = yield* current.prepare(text.decode(delivery.data), committedAlready(id, delivery.seq))
      if (prepared === "committed") return Option.none()
      const handle = prepared.pipe(Effect.provideService(Turn, turn.service))
      let early: Option.Option<Effect.Effect<void>> = Option.none()
      if (!options.transactional) {
        const apply = yield* handle
        // Nothing else to commit with the sequence: the claim alone is one atomic statement.
        if (turn.rows.length === 0 && !env.audit) {
          const fresh = yield* claimTurn(tableKind, partition, epoch, id, delivery.seq)
          return fresh ? Option.some({ apply, sent: [] }) : Option.none()
        }
        early = Option.some(apply)
      }
      return yield* db.transaction(
        Effect.gen(function* () {
          if (!(yield* claimTurn(tableKind, partition, epoch, id, delivery.seq))) return Option.none()
          // A transactional turn runs here, holding the connection and the fence: no call-outs
          // (runtime/CallOut.ts). A non-transactional kind's turn ran above, outside.
          const apply = Option.isSome(early) ? early.value : yield* transactionalPart(handle)
          const sent = yield* insertOutbox(turn.rows)
          if (env.audit) {
            yield* recordTurn({ kind: tableKind, partition, actorId: id, seq: delivery.seq, epoch, node: env.node })
          }
          return Option.some({ apply, sent })
        })
      )
    })

  const backoff = (attempt: number) =>
    Effect.map(Random.nextRange(0.5, 1.5), (jitter) =>
      Duration.millis(Math.min(retryCap, retryBase * 2 ** (attempt - 1) * jitter))
    )

  const overRestartBudget = (cell: Cell<R>) =>
    Effect.map(Clock.currentTimeMillis, (nowMs) => {
      cell.restarts = [...(cell.restarts ?? []).filter((t) => nowMs - t < restartWindow), nowMs]
      return cell.restarts.length > options.maxRestarts
    })

  /** `first`: how the message's first attempt already ended (in a batch), so it is not run again. */
  const handleDelivery = (cell: Cell<R>, delivery: Delivery, first?: Exit.Exit<never, unknown>) =>
    Effect.gen(function* () {
      const started = yield* Clock.currentTimeMillis
      for (let attempt = 1; ; attempt++) {
        const exit = attempt === 1 && first !== undefined ? first : yield* Effect.exit(attemptTurn(cell, delivery))
        if (exit._tag === "Success") {
          if (Option.isNone(exit.value)) {
            yield* Metric.increment(metrics.skipped)
          } else {
            yield* exit.value.value.apply
            yield* Metric.increment(metrics.handled)
          }
          // No confirmation awaited (no request, no fiber): the sequence is stored with the turn's
          // effects, so a lost ack means a redelivery, which that sequence skips; a consumer that
          // is gone ends the partition's pull.
          yield* delivery.ackNoWait.pipe(
            Effect.catchAll((e) => Effect.logWarning("ack failed; the redelivery will be skipped", e))
          )
          if (Option.isSome(exit.value) && exit.value.value.sent.length > 0)
            yield* relay(env.bus, exit.value.value.sent, env.markSent)
          const ended = yield* Clock.currentTimeMillis
          yield* Metric.update(metrics.duration, (ended - started) / 1000)
          return
        }
        const cause = exit.cause
        const failure = Cause.failureOption(cause)
        if (Option.isSome(failure) && failure.value instanceof FenceLost) return yield* env.lose("fence lost")
        const reason = Cause.pretty(cause)
        if (Option.isSome(failure) && isTagged(failure.value, "UndecodableMessage")) {
          return yield* deadLetter(cell.id, delivery, reason, attempt)
        }
        if (Cause.isDie(cause)) {
          yield* Effect.logError("turn defect; restarting actor from its stored state", cause)
          cell.instance = undefined
          if (yield* overRestartBudget(cell))
            return yield* deadLetter(cell.id, delivery, `restart budget exhausted: ${reason}`, attempt)
        }
        if (attempt >= options.maxAttempts) return yield* deadLetter(cell.id, delivery, reason, attempt)
        yield* Metric.increment(metrics.retries)
        yield* Effect.logWarning(`turn failed (attempt ${attempt}/${options.maxAttempts}); retrying`, cause)
        yield* delivery.working.pipe(Effect.ignore)
        yield* Effect.sleep(yield* backoff(attempt))
      }
    }).pipe(Effect.annotateLogs({ seq: delivery.seq }))

  const handleAsk = (cell: Cell<R>, payload: string, reply: Deferred.Deferred<string>) =>
    ensureInstance(cell).pipe(
      Effect.flatMap((i) => i.answer(payload)),
      Effect.catchAllCause((cause) =>
        Effect.succeed(JSON.stringify({ _tag: "Failure", cause: { _tag: "Die", defect: Cause.pretty(cause) } }))
      ),
      Effect.flatMap((answer) => Deferred.succeed(reply, answer))
    )

  const one = (cell: Cell<R>, job: Job | undefined) =>
    Effect.gen(function* () {
      if (job?._tag === "Delivery") yield* handleDelivery(cell, job.delivery)
      else if (job?._tag === "Ask") yield* handleAsk(cell, job.payload, job.reply)
      yield* env.settle(cell)
    }).pipe(Effect.annotateLogs({ kind: kind.name, actor: cell.id, partition }))

  /**
   * The head messages of several actors (one each) in ONE transaction: one claim statement checks
   * the fence and records every sequence, the turns run one after another, their outbox rows (and
   * audit rows) go in one multi-row statement each, then one commit, the acks and one relay.
   * A turn that fails rolls the transaction back; the group is run again without it, and it goes
   * the single-turn way (retries, restart, dead letter), its failure counted as its first attempt.
   */
  const group = (cells: ReadonlyArray<Cell<R>>) =>
    Effect.gen(function* () {
      let pending: Array<Pending<R>> = []
      const alone: Array<{ readonly pending: Pending<R>; readonly first?: Exit.Exit<never, unknown> }> = []
      for (const cell of cells) {
        const job = env.take(cell)
        if (job?._tag !== "Delivery") {
          yield* one(cell, job)
          continue
        }
        // Activation and the kind's `prepare` step run outside the transaction, as on the single-turn path.
        const activated = yield* Effect.exit(ensureInstance(cell))
        const unprepared = { cell, delivery: job.delivery, prepared: undefined }
        if (Exit.isFailure(activated)) {
          alone.push({ pending: unprepared })
          continue
        }
        // A committed message skips its call-outs: the single-turn path skips it as a whole.
        // (A failed read only costs an idempotent preparation; the claim skips a committed turn.)
        const committed = Effect.orElseSucceed(committedAlready(cell.id, job.delivery.seq), () => false)
        const prepared = yield* Effect.exit(activated.value.prepare(text.decode(job.delivery.data), committed))
        if (Exit.isFailure(prepared)) alone.push({ pending: unprepared, first: Exit.failCause(prepared.cause) })
        else if (prepared.value === "committed") alone.push({ pending: unprepared })
        else pending.push({ cell, delivery: job.delivery, prepared: prepared.value })
      }
      const started = yield* Clock.currentTimeMillis
      while (pending.length > 0) {
        const exit = yield* Effect.exit(attemptGroup(pending))
        if (Exit.isSuccess(exit)) {
          yield* finishGroup(pending, exit.value, started)
          break
        }
        const failure = Cause.failureOption(exit.cause)
        if (Option.isSome(failure) && failure.value instanceof FenceLost) {
          yield* env.lose("fence lost")
          // Nothing of the group committed: the next owner gets the messages again.
          for (const p of [...pending, ...alone.map((a) => a.pending)]) yield* env.settle(p.cell)
          return
        }
        if (Option.isSome(failure) && failure.value instanceof GroupTurnFailed) {
          const failed = failure.value
          const culprit = pending[failed.index]
          if (culprit !== undefined) alone.push({ pending: culprit, first: Exit.failCause(failed.cause) })
          pending = pending.filter((_, i) => i !== failed.index)
          continue
        }
        // Not one turn's doing (claim, outbox, commit): each turn goes its own way.
        yield* Effect.logWarning("group commit failed; running its turns one by one", exit.cause)
        for (const p of pending) alone.push({ pending: p })
        pending = []
      }
      for (const { pending: p, first } of alone) {
        yield* handleDelivery(p.cell, p.delivery, first).pipe(
          Effect.annotateLogs({ kind: kind.name, actor: p.cell.id, partition })
        )
        yield* env.settle(p.cell)
      }
    }).pipe(Effect.annotateLogs({ kind: kind.name, partition }))

  const attemptGroup = (pending: ReadonlyArray<Pending<R>>) =>
    db.transaction(
      Effect.gen(function* () {
        const fresh = yield* claimTurns(
          tableKind,
          partition,
          epoch,
          pending.map((p) => ({ actorId: p.cell.id, seq: p.delivery.seq }))
        )
        const applies: Array<Effect.Effect<void> | undefined> = []
        const rows: Array<OutboxRow> = []
        for (let index = 0; index < pending.length; index++) {
          const p = pending[index]
          if (p === undefined || p.prepared === undefined || !fresh.has(p.cell.id)) {
            applies.push(undefined)
            continue
          }
          const turn = makeTurn(env.names, db, {
            kind: kind.name,
            id: p.cell.id,
            partition,
            seq: p.delivery.seq,
            node: env.node,
            epoch
          })
          // Inside the group's transaction, as on the single-turn path: no call-outs (runtime/CallOut.ts).
          const ran = yield* Effect.exit(p.prepared.pipe(Effect.provideService(Turn, turn.service), transactionalPart))
          if (Exit.isFailure(ran)) return yield* new GroupTurnFailed({ index, cause: ran.cause })
          applies.push(ran.value)
          for (const row of turn.rows) rows.push(row)
        }
        const sent = yield* insertOutbox(rows)
        if (env.audit) {
          yield* recordTurns(
            pending
              .filter((p) => fresh.has(p.cell.id))
              .map((p) => ({
                kind: tableKind,
                partition,
                actorId: p.cell.id,
                seq: p.delivery.seq,
                epoch,
                node: env.node
              }))
          )
        }
        return { applies, sent }
      })
    )

  const finishGroup = (
    pending: ReadonlyArray<Pending<R>>,
    done: { readonly applies: ReadonlyArray<Effect.Effect<void> | undefined>; readonly sent: ReadonlyArray<SentRow> },
    started: number
  ) =>
    Effect.gen(function* () {
      for (let index = 0; index < pending.length; index++) {
        const p = pending[index]
        if (p === undefined) continue
        const apply = done.applies[index]
        if (apply === undefined) {
          yield* Metric.increment(metrics.skipped)
        } else {
          yield* apply
          yield* Metric.increment(metrics.handled)
        }
        yield* p.delivery.ackNoWait.pipe(
          Effect.catchAll((e) => Effect.logWarning("ack failed; the redelivery will be skipped", e))
        )
      }
      if (done.sent.length > 0) yield* relay(env.bus, done.sent, env.markSent)
      const ended = yield* Clock.currentTimeMillis
      for (const p of pending) {
        yield* Metric.update(metrics.duration, (ended - started) / 1000)
        yield* env.settle(p.cell)
      }
    })

  return {
    one: (cell: Cell<R>) => one(cell, env.take(cell)),
    group: (cells: ReadonlyArray<Cell<R>>) => {
      const only = cells.length === 1 ? cells[0] : undefined
      return only !== undefined ? one(only, env.take(only)) : group(cells)
    }
  }
}

interface Pending<R> {
  readonly cell: Cell<R>
  readonly delivery: Delivery
  /** The decoded, prepared turn; undefined when activation or preparation failed (the single-turn way). */
  readonly prepared: Prepared<R> | undefined
}

/** A turn of a group failed: the group is rolled back and run again without it. */
class GroupTurnFailed extends Data.TaggedError("GroupTurnFailed")<{
  readonly index: number
  readonly cause: Cause.Cause<unknown>
}> {}

/** Opens a producer's wait for mailbox space (the worker just took a job). */
export const openSpace = <R>(cell: Cell<R>): void => {
  const waiting = cell.space
  if (waiting === undefined) return
  cell.space = undefined
  Deferred.unsafeDone(waiting, Exit.void)
}

const isTagged = (value: unknown, tag: string): boolean =>
  typeof value === "object" && value !== null && "_tag" in value && value._tag === tag
