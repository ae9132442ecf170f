import { Deferred, Effect, Exit, Fiber, Schedule, Scope } from "effect"
import type { Db } from "../db/Db.ts"
import type { Options } from "./Actor.ts"
import type { Names } from "./Address.ts"
import type { Bus, Kv } from "./Bus.ts"
import type { ErasedKind } from "./ErasedKind.ts"
import type { LiveActors } from "./internal/liveActors.ts"
import * as Partition from "./Partition.ts"

export interface LeaseSettings {
  readonly renewEvery: number
  /** Renewals may fail for this long before the holder fences itself (shorter than the bucket TTL). */
  readonly selfFenceAfter: number
  readonly retryAcquireEvery: number
}

export interface Owned {
  readonly kind: string
  readonly partition: number
  readonly epoch: number
}

const encoder = new TextEncoder()

/**
 * Holds one partition's lease and runs it: acquire with KV create (the revision is the epoch),
 * renew by compare-and-set; a failed or late renewal closes the partition's scope at once
 * (self-fencing). Released on graceful stop so a successor does not wait for the TTL.
 */
export const holdPartition = <R>(args: {
  readonly kind: ErasedKind<R>
  readonly partition: number
  readonly node: string
  readonly names: Names
  readonly leases: Kv
  readonly options: Options
  readonly settings: Partition.PartitionSettings
  readonly lease: LeaseSettings
  readonly owned: Map<string, Owned>
  readonly live: LiveActors
}): Effect.Effect<never, never, R | Db | Bus> =>
  Effect.gen(function* () {
    const { kind, partition, leases } = args
    const key = `${kind.name}.${partition}`
    const value = encoder.encode(JSON.stringify({ node: args.node }))
    const acquired = yield* Effect.either(leases.create(key, value))
    if (acquired._tag === "Left") return yield* Effect.sleep(args.lease.retryAcquireEvery)
    const epoch = acquired.right
    let revision = epoch
    const scope = yield* Scope.make()
    const lost = yield* Deferred.make<string>()
    const renew = Effect.gen(function* () {
      let lastOk = Date.now()
      while (true) {
        yield* Effect.sleep(args.lease.renewEvery)
        const renewed = yield* Effect.either(leases.update(key, value, revision))
        if (renewed._tag === "Right") {
          revision = renewed.right
          lastOk = Date.now()
        } else if (renewed.left._tag === "KvConflict" || Date.now() - lastOk > args.lease.selfFenceAfter) {
          return yield* Deferred.succeed(lost, `lease lost: ${renewed.left._tag}`)
        }
      }
    })
    args.owned.set(key, { kind: kind.name, partition, epoch })
    const renewFiber = yield* Effect.forkIn(renew, scope)
    const reason = yield* Effect.raceFirst(
      Partition.run({
        kind,
        partition,
        epoch,
        node: args.node,
        names: args.names,
        options: args.options,
        settings: args.settings,
        live: args.live
      }).pipe(Scope.extend(scope)),
      Deferred.await(lost)
    ).pipe(
      Effect.onInterrupt(() =>
        Effect.gen(function* () {
          yield* Fiber.interrupt(renewFiber)
          yield* Scope.close(scope, Exit.void)
          yield* leases.delete(key, revision).pipe(Effect.ignore)
          args.owned.delete(key)
        })
      )
    )
    args.owned.delete(key)
    yield* Scope.close(scope, Exit.void)
    yield* Effect.logWarning(`gave up partition: ${reason}`).pipe(Effect.annotateLogs({ kind: kind.name, partition }))
    yield* Effect.sleep(args.lease.retryAcquireEvery)
  }).pipe(Effect.repeat(Schedule.forever), Effect.zipRight(Effect.never))
