import { Deferred, Effect, Exit, Fiber, Option, Schedule, Schema, Scope } from "effect"
import type { Db } from "../db/Db.ts"
import type { Options } from "./Actor.ts"
import type { Names } from "./Address.ts"
import type { Bus, BusError, BusShape, Kv, LeaseRenewer } from "./Bus.ts"
import type { ErasedKind } from "./ErasedKind.ts"
import type { LiveActors } from "./internal/liveActors.ts"
import { winner } from "./internal/rendezvous.ts"
import type { Sweeps } from "./internal/sweeps.ts"
import type { Membership } from "./Membership.ts"
import * as Partition from "./Partition.ts"

export interface LeaseSettings {
  readonly renewEvery: number
  /** Renewals may go unanswered for this long before the lease is logged as suspect (it is kept). */
  readonly suspectAfter: number
  readonly retryAcquireEvery: number
  /** A main thread that has not run for this long is hung, not busy: its leases are left to lapse. */
  readonly hungAfter: number
}

export interface PlacementSettings {
  /** `any`: every node asks for every partition and keeps what it gets; `rendezvous`: only the winner asks. */
  readonly mode: "any" | "rendezvous"
  /** A partition nobody has held for this long may be taken by any node, winner or not. */
  readonly orphanAfter: number
  /** How often a node looks at a partition it does not win, to notice it orphaned. */
  readonly orphanCheckEvery: number
  /** How often the winner of a partition held by someone else asks for it again (a hand-over is taken within it). */
  readonly claimEvery: number
  /** How long a node handing a partition over waits for its turns in flight (ms). */
  readonly drainFor: number
  /**
   * How many partitions one node hands over at a time: the next is released when the new owner of
   * one says it is pulling, or after `takerWait`. A joining node wins about a quarter of every
   * node's partitions at once, and each new owner makes its consumer through the NATS meta leader:
   * released all together, 48 partitions waited 1-3 s in that queue, unowned, while paced each is
   * unowned only for its own hand-over and its old owner serves it until then (docs/cluster.md,
   * "Joining").
   */
  readonly handOverSlots: number
  /** How long a paced hand-over waits for the new owner's word before the next starts (ms). */
  readonly takerWait: number
}

export interface Owned {
  readonly kind: string
  readonly partition: number
  readonly epoch: number
}

/** What a lease key holds: who, and (after the first renewal) the epoch, so any node can read it. */
const LeaseValue = Schema.parseJson(Schema.Struct({ node: Schema.String, epoch: Schema.optional(Schema.Number) }))

const encoder = new TextEncoder()
const decoder = new TextDecoder()

const leaseKey = (kind: string, partition: number) => `${kind}.${partition}`

/**
 * Hand-over notices. A node that has released a partition's lease says so on `<subject>.<key>`
 * (core NATS, fire and forget), and the winner waiting for that key tries to take it at once rather
 * than at its next poll (`claimEvery`). The poll stays, for leases that lapse (a crashed holder)
 * and notices that are lost.
 */
export interface Handovers {
  /** Starts listening for `key`'s next notice; the effect returned completes when it comes. */
  readonly arm: (key: string) => Effect.Effect<Effect.Effect<void>, never, Scope.Scope>
  /** Tells every node that this node has just released `key`. */
  readonly announce: (key: string) => Effect.Effect<void>
}

export const handovers = (bus: BusShape, subject: string): Effect.Effect<Handovers, BusError, Scope.Scope> =>
  Effect.gen(function* () {
    const waiting = new Map<string, Set<Deferred.Deferred<void>>>()
    yield* bus.subscribe(`${subject}.>`, (message) =>
      Effect.suspend(() => {
        const key = message.subject.slice(subject.length + 1)
        const armed = waiting.get(key)
        if (armed === undefined) return Effect.void
        waiting.delete(key)
        return Effect.forEach(armed, (d) => Deferred.succeed(d, undefined), { discard: true })
      })
    )
    const arm = (key: string) =>
      Effect.gen(function* () {
        const notice = yield* Deferred.make<void>()
        const armed = waiting.get(key) ?? new Set()
        armed.add(notice)
        waiting.set(key, armed)
        yield* Effect.addFinalizer(() =>
          Effect.sync(() => {
            const now = waiting.get(key)
            now?.delete(notice)
            if (now?.size === 0) waiting.delete(key)
          })
        )
        return Deferred.await(notice)
      })
    const encoder = new TextEncoder()
    const announce = (key: string) => bus.publish(`${subject}.${key}`, encoder.encode(key)).pipe(Effect.ignore)
    return { arm, announce }
  })

/**
 * Holds one partition's lease while this node is where placement puts it, and runs it. Placement
 * is rendezvous hashing over the live members; only the winner asks for the lease, and a holder
 * that stops winning after a change of members releases it gracefully (stop pulling, finish
 * in-flight turns, passivate, delete the key) so the winner takes over at once. A partition left
 * unheld past `orphanAfter` may be taken by anyone, so none is stranded by a winner that cannot
 * take it. Acquire is a KV create (the revision is the epoch), renewal a compare-and-set; a failed
 * or late renewal closes the partition's scope at once (self-fencing).
 */
export const holdPartition = <R>(args: {
  readonly kind: ErasedKind<R>
  readonly partition: number
  readonly node: string
  readonly names: Names
  readonly leases: Kv
  /** The node's one renewer of every lease it holds. */
  readonly renewer: LeaseRenewer
  readonly options: Options
  readonly settings: Partition.PartitionSettings
  readonly lease: LeaseSettings
  readonly placement: PlacementSettings
  readonly membership: Membership
  readonly owned: Map<string, Owned>
  readonly live: LiveActors
  readonly sweeps: Sweeps
  /** Notices of released partitions (the winner takes at once). */
  readonly handovers: Handovers
  /** Notices of partitions whose new owner pulls (the old owner's next hand-over may start). */
  readonly taken: Handovers
  /** The node's `handOverSlots`. */
  readonly handingOver: Effect.Semaphore
}): Effect.Effect<never, never, R | Db | Bus> => {
  const { kind, partition, leases, membership } = args
  const key = leaseKey(kind.name, partition)
  const annotate = Effect.annotateLogs({ kind: kind.name, partition })
  const napUnlessChanged = (millis: number) => Effect.race(Effect.sleep(millis), membership.changed)
  let unheldSince: number | undefined

  /** Not ours by placement: true once the partition has been seen unheld for `orphanAfter`. */
  const orphaned = Effect.gen(function* () {
    const current = yield* Effect.either(leases.get(key))
    if (current._tag === "Left" || Option.isSome(current.right)) {
      unheldSince = undefined
      return false
    }
    const now = Date.now()
    unheldSince ??= now
    return now - unheldSince >= args.placement.orphanAfter
  })

  const hold = (epoch: number, acquiredIn: string) =>
    Effect.gen(function* () {
      const value = encoder.encode(JSON.stringify({ node: args.node, epoch }))
      const scope = yield* Scope.make()
      const lease = yield* args.renewer.hold(key, value, epoch)
      // Held by placement's word at `acquiredIn`: give it up once a different member set names another.
      const watch = (release: Deferred.Deferred<string>) =>
        Effect.gen(function* () {
          while (true) {
            const view = yield* membership.view
            const next = winner(view.members, key)
            const placed = args.placement.mode === "rendezvous"
            if (placed && next !== undefined && next !== args.node && view.key !== acquiredIn) {
              return yield* Deferred.succeed(release, next)
            }
            yield* napUnlessChanged(args.placement.orphanCheckEvery)
          }
        })
      args.owned.set(key, { kind: kind.name, partition, epoch })
      // Runs once, however the hold ends (lost, moved, stopped, interrupted, a defect): a lease left
      // renewing for a partition nobody runs would bar every node from it.
      let stopped = false
      const stop = Effect.suspend(() => {
        if (stopped) return Effect.void
        stopped = true
        return Effect.gen(function* () {
          yield* Scope.close(scope, Exit.void)
          yield* lease.release
          args.owned.delete(key)
          yield* args.handovers.announce(key)
        })
      })
      const outcome = yield* Effect.gen(function* () {
        const drain = yield* Deferred.make<void>()
        const running = yield* Partition.run({
          kind,
          partition,
          epoch,
          node: args.node,
          names: args.names,
          options: args.options,
          settings: args.settings,
          live: args.live,
          sweeps: args.sweeps,
          drain: Deferred.await(drain),
          drainFor: args.placement.drainFor,
          started: args.taken.announce(key)
        }).pipe(Scope.extend(scope), Effect.forkIn(scope))
        // Hand-over, one of `handOverSlots` at a time (the partition runs here meanwhile): stop
        // pulling, let the turns in flight finish and ack, release, and hold the slot until the new
        // owner pulls.
        const handOver = Effect.scoped(
          Effect.gen(function* () {
            const taken = yield* args.taken.arm(key)
            yield* Deferred.succeed(drain, undefined)
            yield* Fiber.await(running).pipe(Effect.timeout(args.placement.drainFor + 1_000), Effect.ignore)
            yield* stop
            yield* taken.pipe(Effect.timeout(args.placement.takerWait), Effect.ignore)
          })
        )
        // Placement is asked again once the slot is ours: members that came back while the partition
        // waited for one leave it here. A lease lost while waiting ends the wait (the fence already
        // refuses this node's turns).
        const handOverUnlessOurs = args.handingOver.withPermits(1)(
          Effect.gen(function* () {
            const view = yield* membership.view
            if (winner(view.members, key) === args.node) return false
            yield* handOver
            return true
          })
        )
        while (true) {
          const release = yield* Deferred.make<string>()
          yield* Effect.forkIn(watch(release), scope)
          const first = yield* Effect.raceFirst(
            Effect.map(Fiber.join(running), (reason) => ({ _tag: "Stopped" as const, reason })),
            Effect.raceFirst(
              Effect.map(Deferred.await(lease.lost), (reason) => ({ _tag: "Lost" as const, reason })),
              Effect.map(Deferred.await(release), (to) => ({ _tag: "Moved" as const, to }))
            )
          )
          if (
            first._tag !== "Moved" ||
            (yield* Effect.raceFirst(handOverUnlessOurs, Effect.as(Deferred.await(lease.lost), true)))
          ) {
            // Delete the lease too (by revision: a newer holder's is untouched): kept until its TTL, it
            // would bar every node, this one included, from running the partition for that long.
            yield* stop
            return first
          }
          yield* Effect.logInfo("hand-over withdrawn: placement names this node again")
        }
      }).pipe(Effect.ensuring(stop))
      if (outcome._tag === "Moved") {
        yield* Effect.logInfo(`partition moved: ${args.node} → ${outcome.to}`).pipe(
          Effect.annotateLogs({ from: args.node, to: outcome.to, epoch })
        )
        return
      }
      yield* Effect.logWarning(`gave up partition: ${outcome.reason}`)
      yield* Effect.sleep(args.lease.retryAcquireEvery)
    })

  const attempt = Effect.gen(function* () {
    const view = yield* membership.view
    const wins = args.placement.mode === "any" || winner(view.members, key) === args.node
    if (!wins && !(yield* orphaned)) return yield* napUnlessChanged(args.placement.orphanCheckEvery)
    // Listening before asking: a release between a refused create and the wait is not missed.
    const acquired = yield* Effect.scoped(
      Effect.gen(function* () {
        const released = yield* args.handovers.arm(key)
        const created = yield* Effect.either(leases.create(key, encoder.encode(JSON.stringify({ node: args.node }))))
        if (created._tag === "Left") {
          if (!wins) unheldSince = undefined
          yield* wins
            ? Effect.race(released, napUnlessChanged(args.placement.claimEvery))
            : napUnlessChanged(args.placement.orphanCheckEvery)
        }
        return created
      })
    )
    if (acquired._tag === "Left") return
    unheldSince = undefined
    yield* (wins ? Effect.logDebug("partition acquired") : Effect.logInfo("orphaned partition acquired")).pipe(
      Effect.annotateLogs({ to: args.node, epoch: acquired.right })
    )
    yield* hold(acquired.right, view.key)
  })

  return attempt.pipe(annotate, Effect.repeat(Schedule.forever), Effect.zipRight(Effect.never))
}

/**
 * Logs, on every change of members, what this node expects to hand over and take: one summary
 * line per rebalance (the moves themselves are logged per partition as they happen).
 */
export const logRebalances = (args: {
  readonly kinds: ReadonlyArray<{ readonly name: string; readonly partitions: number }>
  readonly membership: Membership
  readonly owned: ReadonlyMap<string, Owned>
}): Effect.Effect<never> =>
  Effect.gen(function* () {
    yield* args.membership.changed
    const view = yield* args.membership.view
    const handOver = new Map<string, number>()
    let take = 0
    for (const kind of args.kinds) {
      for (let partition = 0; partition < kind.partitions; partition++) {
        const key = leaseKey(kind.name, partition)
        const next = winner(view.members, key)
        if (next === undefined) continue
        if (args.owned.has(key) && next !== args.membership.self) handOver.set(next, (handOver.get(next) ?? 0) + 1)
        if (!args.owned.has(key) && next === args.membership.self) take++
      }
    }
    const given = [...handOver].map(([to, n]) => `${n} to ${to}`).join(", ")
    yield* Effect.logInfo(
      `rebalance over [${view.members.join(", ")}]: holding ${args.owned.size}, handing over ${given === "" ? "none" : given}, taking ${take}`
    )
  }).pipe(Effect.forever)

export interface Holding {
  readonly kind: string
  readonly partition: number
  readonly epoch: number
  readonly node: string
}

/** Every lease in the bucket now: which node holds which partition under which epoch. */
export const readLeases = (leases: Kv): Effect.Effect<ReadonlyArray<Holding>, BusError> =>
  Effect.gen(function* () {
    const entries = yield* leases.entries
    return entries.flatMap(({ key, value, revision }) => {
      const dot = key.lastIndexOf(".")
      const partition = Number(key.slice(dot + 1))
      const decoded = Schema.decodeUnknownOption(LeaseValue)(decoder.decode(value))
      if (dot < 0 || !Number.isInteger(partition) || Option.isNone(decoded)) return []
      // Before its first renewal a lease is still at its creating revision, which is the epoch.
      const epoch = decoded.value.epoch ?? revision
      return [{ kind: key.slice(0, dot), partition, epoch, node: decoded.value.node }]
    })
  })
