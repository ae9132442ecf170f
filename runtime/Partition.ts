import { Clock, Deferred, Duration, Effect, Metric, Schedule, type Scope, Stream } from "effect"
import { Db } from "../db/Db.ts"
import type { Options } from "./Actor.ts"
import { actorIdOfSubject, decodeToken, type Names } from "./Address.ts"
import { Bus, type BusMessage, type Delivery } from "./Bus.ts"
import type { ErasedKind } from "./ErasedKind.ts"
import { Cell, type Home, type Job, makeWorker, openSpace } from "./internal/actorCell.ts"
import type { LiveActors } from "./internal/liveActors.ts"
import * as PartitionConsumer from "./internal/partitionConsumer.ts"
import { claimFence } from "./internal/store.ts"
import type { Sweeps } from "./internal/sweeps.ts"
import * as M from "./Metrics.ts"

export interface PartitionSettings {
  readonly ackWait: Duration.DurationInput
  readonly batch: number
  readonly maxAckPending: number
  readonly timerInterval: Duration.DurationInput
  readonly sweepInterval: Duration.DurationInput
  readonly askTimeout: Duration.DurationInput
  readonly audit: boolean
  /** Turns (and asks) running at once in one partition; more actors with work wait their turn. */
  readonly turnConcurrency?: number
  /**
   * Turns of different actors a worker commits in one transaction at most (group commit). A worker
   * takes what is already waiting, so an idle partition still commits each message alone.
   * 1 turns grouping off.
   */
  readonly groupCommit?: number
}

export const defaultTurnConcurrency = 32
export const defaultGroupCommit = 64

export interface PartitionSpec<R> {
  readonly kind: ErasedKind<R>
  readonly partition: number
  readonly epoch: number
  readonly node: string
  readonly names: Names
  readonly options: Options
  readonly settings: PartitionSettings
  /** Every actor live on this node, across partitions and kinds (the cap). */
  readonly live: LiveActors
  /** The node's timer poller and outbox sweeper of this kind. */
  readonly sweeps: Sweeps
  /** Completes when the partition is handed over: stop pulling, let turns in flight finish, return. */
  readonly drain?: Effect.Effect<void>
  /** How long a hand-over waits for turns in flight (ms); what is left is redelivered to the new owner. */
  readonly drainFor?: number
  /** Runs once the partition's consumer exists and pulling starts (tells a paced old owner). */
  readonly started?: Effect.Effect<void>
}

const encoder = new TextEncoder()

/** The epoch a consumer's name carries (`names.consumer`), if it is one of ours. */
const epochOfConsumer = (name: string): number | undefined => {
  const match = /-e(\d+)$/.exec(name)
  return match === null ? undefined : Number(match[1])
}

/**
 * Runs one partition of one kind under `epoch` until it is lost (fence or consumer gone) or the
 * scope closes. One dispatcher reads the partition's consumer in stream order and feeds per-actor
 * bounded mailboxes; a full mailbox blocks the dispatcher, which stops pulling (back-pressure).
 * An actor has a worker fiber only while it has work; idle actors are passivated after their
 * kind's idle timeout, or earlier by the node's cap on live actors (least recently used first).
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
    const consumer = names.consumer(kind.name, partition, epoch)
    const ofThisPartition = consumer.slice(0, consumer.lastIndexOf("-e") + 2)
    const ready = yield* Effect.either(
      PartitionConsumer.prepare({
        bus,
        tableKind,
        partition,
        epoch,
        spec: {
          stream,
          name: consumer,
          filterSubject: names.partitionFilter(kind.name, partition),
          ackWait: settings.ackWait,
          maxAckPending: settings.maxAckPending
        },
        recorded: claimed.right.consumers,
        epochOf: (name) => (name.startsWith(ofThisPartition) ? epochOfConsumer(name) : undefined)
      })
    )
    if (ready._tag === "Left") return ready.left

    const lost = yield* Deferred.make<string>()
    const lock = yield* Effect.makeSemaphore(1)
    const { live } = spec
    // Insertion order is not used here; the node-wide LRU lives in `live`.
    const cells = new Map<string, Cell<R>>()
    const capacity = spec.options.mailboxCapacity
    const idleMillis = Duration.toMillis(spec.options.idleTimeout)
    const gauge = Metric.tagged(M.activeActors, "kind", kind.name)
    const passivated = {
      idle: Metric.tagged(M.passivations, "kind", kind.name).pipe(Metric.tagged("reason", "idle")),
      cap: Metric.tagged(M.passivations, "kind", kind.name).pipe(Metric.tagged("reason", "cap"))
    }

    // Synchronous, so no other fiber runs between "is it idle" and its removal.
    const home: Home<R> = {
      drop: (cell, reason) => {
        if (cells.get(cell.id) !== cell || !cell.idle) return
        cells.delete(cell.id)
        live.forget(cell)
        gauge.unsafeModify(-1, [])
        passivated[reason].unsafeUpdate(1, [])
      }
    }
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const cell of cells.values()) live.forget(cell)
        gauge.unsafeModify(-cells.size, [])
        cells.clear()
      })
    )

    const work = makeWorker<R>({
      kind,
      partition,
      epoch,
      node: spec.node,
      names,
      bus,
      db,
      options: spec.options,
      audit: settings.audit,
      markSent: spec.sweeps.markSent,
      scope,
      lose: (reason) => Deferred.succeed(lost, reason).pipe(Effect.asVoid),
      take: (cell) => {
        const job = cell.jobs?.shift()
        if (job !== undefined) openSpace(cell)
        return job
      },
      settle: (cell) =>
        Effect.map(Clock.currentTimeMillis, (now) => {
          if (cell.jobs !== undefined && cell.jobs.length > 0) {
            // Behind the actors already waiting: one actor's backlog does not starve the others.
            runnable.push(cell)
            return
          }
          cell.jobs = undefined
          cell.running = false
          cell.lastUsed = now
          live.touch(cell)
          // The cap may have been passed while every actor was busy.
          live.trim()
        })
    })

    // Actors with work and no worker on them, oldest first. A bounded pool of workers takes one
    // job at a time from the head: a burst over many actors waits here as a few bytes per actor,
    // not as a fiber per actor waiting for a database connection.
    const runnable: Array<Cell<R>> = []
    const maxWorkers = Math.max(1, settings.turnConcurrency ?? defaultTurnConcurrency)
    // Non-transactional turns (HTTP calls) keep their own transaction each and run side by side.
    const maxGroup = spec.options.transactional ? Math.max(1, settings.groupCommit ?? defaultGroupCommit) : 1
    let workers = 0
    const worker: Effect.Effect<void, never, R | Db> = Effect.gen(function* () {
      while (true) {
        if (runnable.length === 0) {
          workers--
          return
        }
        // Everything waiting now, up to the cap: one actor alone when idle, a group under load.
        yield* work.group(runnable.splice(0, maxGroup))
      }
    })

    const waitForSpace = (cell: Cell<R>) =>
      Effect.flatMap(Deferred.make<void>(), (space) => {
        cell.space = space
        return Deferred.await(space)
      })

    // A cell with queued jobs or a running turn is never passivated, and only `settle` (after a
    // job, with none left) makes it idle, so finding the cell and queueing on it are one
    // synchronous step.
    const place = (id: string, job: Job, now: number): Effect.Effect<void, never, R | Db> =>
      Effect.suspend(() => {
        let cell = cells.get(id)
        const fresh = cell === undefined
        if (cell === undefined) {
          cell = new Cell<R>(id, home)
          cells.set(id, cell)
          gauge.unsafeModify(1, [])
        }
        const jobs = cell.jobs ?? []
        cell.jobs = jobs
        // Full: it is scheduled and a worker will make room; the partition stops pulling meanwhile.
        if (jobs.length >= capacity) return Effect.zipRight(waitForSpace(cell), place(id, job, now))
        M.mailboxDepth.unsafeUpdate(jobs.length, [])
        jobs.push(job)
        cell.lastUsed = now
        if (fresh) live.admit(cell)
        else live.touch(cell)
        if (cell.running) return Effect.void
        cell.running = true
        runnable.push(cell)
        if (workers >= maxWorkers) return Effect.void
        workers++
        return Effect.asVoid(Effect.forkIn(worker, scope))
      })

    const enqueue = (id: string, job: Job) =>
      lock.withPermits(1)(Effect.flatMap(Clock.currentTimeMillis, (now) => place(id, job, now)))

    const sweepIdle = Effect.map(Clock.currentTimeMillis, (now) => {
      for (const cell of cells.values()) {
        if (cell.idle && now - cell.lastUsed >= idleMillis) home.drop(cell, "idle")
      }
    })
    yield* sweepIdle.pipe(
      Effect.repeat(Schedule.spaced(Duration.millis(Math.min(Math.max(idleMillis / 4, 50), 30_000)))),
      Effect.forkIn(scope)
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

    // Timers and outbox rows of this partition are swept with the kind's others on this node.
    yield* spec.sweeps.register(partition, epoch, (reason) => Deferred.succeed(lost, reason).pipe(Effect.asVoid))

    const consume = bus.consume(stream, consumer, { batch: settings.batch }).pipe(
      Stream.runForEach(dispatch),
      Effect.as("consumer ended"),
      Effect.catchAll((e) => Effect.succeed(`consumer failed: ${e._tag}`))
    )
    yield* Effect.logDebug("partition started")
    if (spec.started !== undefined) yield* spec.started
    const handedOver = "handed over"
    const drained = spec.drain === undefined ? Effect.never : Effect.as(spec.drain, handedOver)
    const reason = yield* Effect.raceFirst(consume, Effect.raceFirst(Deferred.await(lost), drained))
    if (reason === handedOver) {
      const idle: Effect.Effect<void> = Effect.suspend(() =>
        workers === 0 ? Effect.void : Effect.zipRight(Effect.sleep("10 millis"), idle)
      )
      yield* idle.pipe(Effect.timeout(spec.drainFor ?? 1_000), Effect.ignore)
      yield* Effect.logDebug("partition drained for a hand-over")
      return reason
    }
    yield* Effect.logWarning(`partition stopped: ${reason}`)
    return reason
  }).pipe(Effect.annotateLogs({ kind: spec.kind.name, partition: spec.partition, epoch: spec.epoch }))
