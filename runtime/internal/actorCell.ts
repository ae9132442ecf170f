import { Cause, Clock, Deferred as D, type Deferred, Duration, Effect, Metric, Option, Queue, Random } from "effect"
import type { DbShape } from "../../db/Db.ts"
import { Db } from "../../db/Db.ts"
import type { Options } from "../Actor.ts"
import type { Names } from "../Address.ts"
import type { BusShape, Delivery } from "../Bus.ts"
import type { ErasedKind, Instance } from "../ErasedKind.ts"
import * as M from "../Metrics.ts"
import { Turn } from "../Turn.ts"
import { relay } from "./relay.ts"
import { FenceLost, fenceAndLastSeq, insertDeadLetter, insertOutbox, lastSeq, recordTurn, saveSeq } from "./store.ts"
import { makeTurn } from "./turnContext.ts"

export type Job =
  | { readonly _tag: "Delivery"; readonly delivery: Delivery }
  | { readonly _tag: "Ask"; readonly payload: string; readonly reply: Deferred.Deferred<string> }

export interface CellEnv<R> {
  readonly kind: ErasedKind<R>
  readonly id: string
  readonly partition: number
  readonly epoch: number
  readonly node: string
  readonly names: Names
  readonly bus: BusShape
  readonly db: DbShape
  readonly options: Options
  readonly audit: boolean
  /** The partition is no longer ours (fence or consumer lost): stop everything. */
  readonly lose: (reason: string) => Effect.Effect<void>
  /** Asks the dispatcher to drop this actor; true when it did (the mailbox was empty). */
  readonly passivate: Effect.Effect<boolean>
}

const text = new TextDecoder()

/**
 * One actor's fiber: takes jobs from its mailbox one at a time, runs each turn in a transaction
 * (fence check, dedupe by sequence, state, outbox), acks after commit, relays the outbox. A failing
 * turn is retried in place — later messages wait, so order is never broken — then dead-lettered.
 */
export const runCell = <R>(env: CellEnv<R>, mailbox: Queue.Dequeue<Job>): Effect.Effect<void, never, R | Db> =>
  Effect.gen(function* () {
    const { kind, id, partition, epoch, options, db } = env
    const tableKind = env.names.tableKind(kind.name)
    // Tagged once per actor, not once per message.
    const metrics = {
      deadLetters: Metric.tagged(M.deadLetters, "kind", kind.name),
      skipped: Metric.tagged(M.messagesSkipped, "kind", kind.name),
      handled: Metric.tagged(M.messagesHandled, "kind", kind.name),
      duration: Metric.tagged(M.turnDuration, "kind", kind.name),
      retries: Metric.tagged(M.turnRetries, "kind", kind.name)
    }
    let instance: Option.Option<Instance<R>> = Option.none()
    let restarts: Array<number> = []
    const ensureInstance = Effect.suspend(() =>
      Option.match(instance, {
        onSome: Effect.succeed,
        onNone: () => Effect.tap(kind.instantiate(id), (i) => Effect.sync(() => (instance = Option.some(i))))
      })
    )

    const deadLetter = (delivery: Delivery, reason: string, attempts: number) =>
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

    const attemptTurn = (delivery: Delivery) =>
      Effect.gen(function* () {
        const current = yield* ensureInstance
        const turn = makeTurn(env.names, db, {
          kind: kind.name,
          id,
          partition,
          seq: delivery.seq,
          node: env.node,
          epoch
        })
        const handle = current.turn(text.decode(delivery.data)).pipe(Effect.provideService(Turn, turn.service))
        let early: Option.Option<Effect.Effect<void>> = Option.none()
        if (!options.transactional) {
          if ((yield* lastSeq(tableKind, id)) >= delivery.seq) return Option.none()
          early = Option.some(yield* handle)
        }
        return yield* db.transaction(
          Effect.gen(function* () {
            if ((yield* fenceAndLastSeq(tableKind, partition, epoch, id)) >= delivery.seq) return Option.none()
            const apply = Option.isSome(early) ? early.value : yield* handle
            yield* saveSeq(tableKind, id, delivery.seq)
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
        Duration.millis(
          Math.min(
            Duration.toMillis(options.retryCap),
            Duration.toMillis(options.retryBase) * 2 ** (attempt - 1) * jitter
          )
        )
      )

    const overRestartBudget = Effect.gen(function* () {
      const nowMs = yield* Clock.currentTimeMillis
      const window = Duration.toMillis(options.restartWindow)
      restarts = [...restarts.filter((t) => nowMs - t < window), nowMs]
      return restarts.length > options.maxRestarts
    })

    const handleDelivery = (delivery: Delivery) =>
      Effect.gen(function* () {
        const started = yield* Clock.currentTimeMillis
        for (let attempt = 1; ; attempt++) {
          const exit = yield* Effect.exit(attemptTurn(delivery))
          if (exit._tag === "Success") {
            if (Option.isNone(exit.value)) {
              yield* Metric.increment(metrics.skipped)
            } else {
              yield* exit.value.value.apply
              yield* Metric.increment(metrics.handled)
            }
            const acked = yield* Effect.either(delivery.ack)
            if (acked._tag === "Left" && acked.left._tag === "ConsumerGone") return yield* env.lose("consumer gone")
            if (acked._tag === "Left")
              yield* Effect.logWarning("ack failed; the redelivery will be skipped", acked.left)
            if (Option.isSome(exit.value))
              yield* relay(env.bus, exit.value.value.sent).pipe(Effect.provideService(Db, db))
            const ended = yield* Clock.currentTimeMillis
            yield* Metric.update(metrics.duration, (ended - started) / 1000)
            return
          }
          const cause = exit.cause
          const failure = Cause.failureOption(cause)
          if (Option.isSome(failure) && failure.value instanceof FenceLost) return yield* env.lose("fence lost")
          const reason = Cause.pretty(cause)
          if (Option.isSome(failure) && isTagged(failure.value, "UndecodableMessage")) {
            return yield* deadLetter(delivery, reason, attempt)
          }
          if (Cause.isDie(cause)) {
            yield* Effect.logError("turn defect; restarting actor from its stored state", cause)
            instance = Option.none()
            if (yield* overRestartBudget)
              return yield* deadLetter(delivery, `restart budget exhausted: ${reason}`, attempt)
          }
          if (attempt >= options.maxAttempts) return yield* deadLetter(delivery, reason, attempt)
          yield* Metric.increment(metrics.retries)
          yield* Effect.logWarning(`turn failed (attempt ${attempt}/${options.maxAttempts}); retrying`, cause)
          yield* delivery.working.pipe(Effect.ignore)
          yield* Effect.sleep(yield* backoff(attempt))
        }
      }).pipe(Effect.annotateLogs({ seq: delivery.seq }))

    const handleAsk = (payload: string, reply: Deferred.Deferred<string>) =>
      ensureInstance.pipe(
        Effect.flatMap((i) => i.answer(payload)),
        Effect.catchAllCause((cause) =>
          Effect.succeed(JSON.stringify({ _tag: "Failure", cause: { _tag: "Die", defect: Cause.pretty(cause) } }))
        ),
        Effect.flatMap((answer) => D.succeed(reply, answer))
      )

    const idle = Duration.decode(options.idleTimeout)
    while (true) {
      const job = yield* Queue.take(mailbox).pipe(Effect.timeoutOption(idle))
      if (Option.isNone(job)) {
        if (yield* env.passivate) return
        continue
      }
      if (job.value._tag === "Delivery") yield* handleDelivery(job.value.delivery)
      else yield* handleAsk(job.value.payload, job.value.reply)
    }
  }).pipe(Effect.annotateLogs({ kind: env.kind.name, actor: env.id, partition: env.partition }))

const isTagged = (value: unknown, tag: string): boolean =>
  typeof value === "object" && value !== null && "_tag" in value && value._tag === tag
