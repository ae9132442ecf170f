import { Duration, Effect } from "effect"
import type { Db } from "../../db/Db.ts"
import type { BusShape, ConsumerSpec } from "../Bus.ts"
import { jetStreamBackoff } from "./natsErrors.ts"
import { forgetConsumers, recordConsumer } from "./store.ts"

/**
 * Makes the consumer a new owner pulls a partition from, and removes every older one first.
 *
 * A work-queue stream accepts one consumer per filter, and deleting an older owner's consumer
 * hands its un-acked messages to ours, in order, and fails the old owner's pulls and acks. The
 * older consumers are those the stream lists for the partition plus those the fence row records:
 * each owner records its consumer's name there before creating it, because nats-server 2.9 can
 * keep a consumer that was being created or deleted when a NATS server died on the stream's
 * replicas while the cluster no longer lists it (docs/cluster.md, "Orphan consumers"). Such an
 * orphan refuses every new consumer on the filter ("not unique"), cannot be deleted by name (the
 * cluster says "not found"), but is taken back by a create under its own name with its own
 * configuration — the server checks the name before the filter — after which a delete removes it.
 *
 * A step that gets no answer (a JetStream election, the meta leader busy creating other
 * partitions' consumers) is tried again under the same epoch, with backoff, for as long as the lease
 * holds (`retryFor` at most): a create under our own name is idempotent, so a create whose reply
 * was lost but which landed is simply found. Giving up instead (as before) released the lease and
 * started the partition over under a new epoch — a new claim, delete, record and create through the
 * same busy meta leader, which timed out again: partitions started over and over for minutes.
 * Only after `retryFor` is the name deleted (it is recorded, so the next owner would too). Names
 * are `<kind>-p<NNN>-e<epoch>`: the epoch is a lease revision, never reused, so a new owner's name
 * never meets an earlier consumer's.
 */

/** How long a partition keeps trying one JetStream step before it gives the partition up. */
export const retryFor = Duration.seconds(60)

const backoff = jetStreamBackoff(retryFor)

/** Retries a JetStream step that got no answer or a server error; "not unique" is the caller's. */
const untilAnswered = <A, E extends { readonly _tag: string; readonly message: string }, R>(
  what: string,
  step: Effect.Effect<A, E, R>
): Effect.Effect<A, E, R> =>
  step.pipe(
    Effect.tapError((e) =>
      e._tag === "BusTimeout" || e._tag === "BusError"
        ? Effect.logInfo(`${what} failed (${e._tag}: ${e.message}); trying again under the same epoch`)
        : Effect.void
    ),
    Effect.retry({ schedule: backoff, while: (e) => e._tag === "BusTimeout" || e._tag === "BusError" })
  )

export interface ConsumerPlan {
  readonly bus: BusShape
  /** The runtime's name of the kind in its tables (the fence row's key). */
  readonly tableKind: string
  readonly partition: number
  readonly epoch: number
  /** Ours: name, filter and settings. An older name gets the same settings when taken back. */
  readonly spec: ConsumerSpec
  /** Names the fence row recorded before our claim. */
  readonly recorded: ReadonlyArray<string>
  /** The epoch a consumer name of this partition carries, if it is one. */
  readonly epochOf: (name: string) => number | undefined
}

/** Succeeds once our consumer exists and no older one does; fails with the reason otherwise. */
export const prepare = (plan: ConsumerPlan): Effect.Effect<void, string, Db> =>
  Effect.gen(function* () {
    const { bus, spec } = plan
    const mine = spec.name
    const listed = yield* untilAnswered("listing consumers", bus.consumerNames(spec.stream)).pipe(
      Effect.mapError((e) => `consumers not listed: ${e.message}`)
    )
    const ofPartition = (name: string) => plan.epochOf(name) !== undefined
    const older = [...new Set([...listed.filter(ofPartition), ...plan.recorded])].filter((name) => name !== mine)
    const newer = older.find((name) => (plan.epochOf(name) ?? 0) > plan.epoch)
    if (newer !== undefined) return yield* Effect.fail(`a newer owner's consumer exists: ${newer}`)

    const remove = (name: string) =>
      untilAnswered(`deleting consumer ${name}`, bus.deleteConsumer(spec.stream, name)).pipe(
        Effect.mapError((e) => `older consumer not deleted: ${e.message}`)
      )
    for (const name of older) {
      yield* remove(name)
      if (listed.includes(name)) yield* Effect.logInfo(`deleted an older owner's consumer ${name}`)
    }
    yield* recordConsumer(plan.tableKind, plan.partition, plan.epoch, mine).pipe(
      Effect.mapError((e) => `consumer name not recorded: ${e._tag}`)
    )

    const create = untilAnswered(`creating consumer ${mine}`, bus.ensureConsumer(spec))
    const first = yield* Effect.either(create)
    if (first._tag === "Left" && first.left._tag === "BusTimeout") {
      yield* bus.deleteConsumer(spec.stream, mine).pipe(Effect.ignore)
      return yield* Effect.fail(`consumer create unanswered for ${Duration.format(retryFor)}; its name was deleted`)
    }
    if (first._tag === "Left" && first.left._tag === "ConsumerNotUnique") {
      // An orphan holds the filter: take back each name an owner may have created, then delete it.
      for (const name of older) {
        const adopted = yield* Effect.either(bus.ensureConsumer({ ...spec, name }))
        if (adopted._tag === "Left") continue
        yield* remove(name)
        yield* Effect.logWarning(`removed orphan consumer ${name} that the NATS cluster no longer listed`)
      }
      const second = yield* Effect.either(create)
      if (second._tag === "Left") return yield* Effect.fail(`consumer not created: ${second.left.message}`)
    } else if (first._tag === "Left") {
      return yield* Effect.fail(`consumer not created: ${first.left.message}`)
    }
    yield* forgetConsumers(plan.tableKind, plan.partition, plan.epoch, older).pipe(Effect.ignore)
  })
