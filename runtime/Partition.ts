import { Deferred, type Duration, Effect, Metric, Option, Queue, Schedule, type Scope, Stream } from "effect"
import { Db } from "../db/Db.ts"
import type { Options } from "./Actor.ts"
import { actorIdOfSubject, decodeToken, type Names } from "./Address.ts"
import { Bus, type BusMessage, type Delivery } from "./Bus.ts"
import type { ErasedKind } from "./ErasedKind.ts"
import { type Job, runCell } from "./internal/actorCell.ts"
import { relay } from "./internal/relay.ts"
import { claimFence, dueTimers, markFired, pendingOutbox } from "./internal/store.ts"
import { now } from "./internal/turnContext.ts"
import * as M from "./Metrics.ts"

export interface PartitionSettings {
  readonly ackWait: Duration.DurationInput
  readonly batch: number
  readonly maxAckPending: number
  readonly timerInterval: Duration.DurationInput
  readonly sweepInterval: Duration.DurationInput
  readonly askTimeout: Duration.DurationInput
  readonly audit: boolean
}

export interface PartitionSpec<R> {
  readonly kind: ErasedKind<R>
  readonly partition: number
  readonly epoch: number
  readonly node: string
  readonly names: Names
  readonly options: Options
  readonly settings: PartitionSettings
}

const encoder = new TextEncoder()

/**
 * Runs one partition of one kind under `epoch` until it is lost (fence or consumer gone) or the
 * scope closes. One dispatcher reads the partition's consumer in stream order and feeds per-actor
 * bounded mailboxes; a full mailbox blocks the dispatcher, which stops pulling (back-pressure).
 * Returns the reason it stopped.
 */
export const run = <R>(spec: PartitionSpec<R>): Effect.Effect<string, never, R | Db | Bus | Scope.Scope> =>
  Effect.gen(function* () {
    const { kind, partition, epoch, names, settings } = spec
    const bus = yield* Bus
    const db = yield* Db
    const scope = yield* Effect.scope
    const stream = names.stream(kind.name)
    const tableKind = names.tableKind(kind.name)

    const claimed = yield* Effect.either(claimFence(tableKind, partition, epoch, spec.node))
    if (claimed._tag === "Left") return `fence not claimed: ${claimed.left._tag}`
    if (Option.isSome(claimed.right) && claimed.right.value !== epoch) {
      // The old owner's consumer still holds its un-acked messages; deleting it hands them to ours, in order.
      yield* bus.deleteConsumer(stream, names.consumer(kind.name, partition, claimed.right.value)).pipe(Effect.ignore)
    }
    const consumer = names.consumer(kind.name, partition, epoch)
    const ready = yield* Effect.either(
      bus.ensureConsumer({
        stream,
        name: consumer,
        filterSubject: names.partitionFilter(kind.name, partition),
        ackWait: settings.ackWait,
        maxAckPending: settings.maxAckPending
      })
    )
    if (ready._tag === "Left") return `consumer not created: ${ready.left.message}`

    const lost = yield* Deferred.make<string>()
    const lock = yield* Effect.makeSemaphore(1)
    const cells = new Map<string, Queue.Queue<Job>>()
    const gauge = Metric.tagged(M.activeActors, "kind", kind.name)

    const enqueue = (id: string, job: Job) =>
      lock.withPermits(1)(
        Effect.gen(function* () {
          let mailbox = cells.get(id)
          if (mailbox === undefined) {
            const created = yield* Queue.bounded<Job>(spec.options.mailboxCapacity)
            mailbox = created
            cells.set(id, created)
            yield* Metric.increment(gauge)
            const passivate = lock.withPermits(1)(
              Effect.gen(function* () {
                if ((yield* Queue.size(created)) > 0) return false
                cells.delete(id)
                yield* Metric.incrementBy(gauge, -1)
                return true
              })
            )
            yield* runCell(
              {
                kind,
                id,
                partition,
                epoch,
                node: spec.node,
                names,
                bus,
                db,
                options: spec.options,
                audit: settings.audit,
                lose: (reason) => Deferred.succeed(lost, reason).pipe(Effect.asVoid),
                passivate
              },
              created
            ).pipe(Effect.forkIn(scope))
          }
          yield* Metric.update(M.mailboxDepth, yield* Queue.size(mailbox))
          yield* Queue.offer(mailbox, job)
        })
      )

    const dispatch = (delivery: Delivery) => {
      const id = actorIdOfSubject(delivery.subject)
      if (id === undefined) return delivery.term("subject names no actor").pipe(Effect.ignore)
      return enqueue(id, { _tag: "Delivery", delivery })
    }

    const answer = (message: BusMessage) =>
      Effect.gen(function* () {
        const token = message.subject.split(".")[4]
        if (token === undefined) return
        const reply = yield* Deferred.make<string>()
        yield* enqueue(decodeToken(token), { _tag: "Ask", payload: new TextDecoder().decode(message.data), reply })
        const result = yield* Deferred.await(reply).pipe(Effect.timeout(settings.askTimeout))
        yield* message.respond(encoder.encode(result))
      }).pipe(Effect.catchAllCause((cause) => Effect.logWarning("ask not answered", cause)))

    const context = yield* Effect.context<R | Db>()
    const subscribed = yield* Effect.either(
      bus.subscribe(names.askFilter(kind.name, partition), (m) =>
        Effect.asVoid(Effect.forkIn(Effect.provide(answer(m), context), scope))
      )
    )
    if (subscribed._tag === "Left") return `ask subscription failed: ${subscribed.left.message}`

    const fireTimers = Effect.gen(function* () {
      const due = yield* dueTimers(tableKind, partition, yield* now, 100)
      for (const timer of due) {
        yield* bus.publishDurable(
          names.actorSubject(kind.name, partition, timer.actorId),
          encoder.encode(timer.payload),
          { msgId: `timer-${timer.id}`, headers: { "parley-timer": timer.key } }
        )
        yield* markFired(timer.id)
      }
    }).pipe(Effect.catchAll((e) => Effect.logWarning("timers not fired this round", e)))
    yield* fireTimers.pipe(Effect.repeat(Schedule.spaced(settings.timerInterval)), Effect.forkIn(scope))

    const sweep = pendingOutbox(tableKind, partition, 500).pipe(
      Effect.flatMap((rows) => relay(bus, rows)),
      Effect.catchAll((e) => Effect.logWarning("outbox sweep failed", e))
    )
    yield* sweep.pipe(
      Effect.delay(settings.sweepInterval),
      Effect.repeat(Schedule.spaced(settings.sweepInterval)),
      Effect.forkIn(scope)
    )

    const consume = bus.consume(stream, consumer, { batch: settings.batch }).pipe(
      Stream.runForEach(dispatch),
      Effect.as("consumer ended"),
      Effect.catchAll((e) => Effect.succeed(`consumer failed: ${e._tag}`))
    )
    yield* Effect.logDebug("partition started")
    const reason = yield* Effect.raceFirst(consume, Deferred.await(lost))
    yield* Effect.logWarning(`partition stopped: ${reason}`)
    return reason
  }).pipe(Effect.annotateLogs({ kind: spec.kind.name, partition: spec.partition, epoch: spec.epoch }))
