import { assert, describe, it } from "@effect/vitest"
import { eq, sql } from "drizzle-orm"
import { Effect, FiberRef, Layer, Option } from "effect"
import { Db } from "../../db/Db.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { deadLetters, partitionFence } from "../../db/schema/runtime.ts"
import { ActorSystem, type SystemSettings, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { eventually, fastSettings } from "./ActorRuntimeSuite.ts"
import * as Counter from "./fixtures/CounterKind.ts"

/**
 * Group commit: the head messages of several actors of one partition, waiting while the partition's
 * only worker was busy, run as one transaction. One worker (`turnConcurrency: 1`) and a slow first
 * turn make the group deterministic: everything told meanwhile waits, and is taken at once.
 */

/** The statements (by `Db.use`/`Db.write` operation name) of each outermost transaction, in commit order or not. */
interface Recorded {
  readonly transactions: Array<{ readonly operations: Array<string>; committed: boolean }>
}

const currentRecord = FiberRef.unsafeMake<Option.Option<Recorded["transactions"][number]>>(Option.none())

/** Wraps the in-memory database so a test can see which statements shared a transaction. */
const recordingDb = (recorded: Recorded) =>
  Layer.effect(
    Db,
    Effect.map(Db, (db) => ({
      ...db,
      use: (operation, f) =>
        Effect.flatMap(FiberRef.get(currentRecord), (tx) => {
          if (Option.isSome(tx)) tx.value.operations.push(operation)
          return db.use(operation, f)
        }),
      write: (operation, f) =>
        Effect.flatMap(FiberRef.get(currentRecord), (tx) => {
          if (Option.isSome(tx)) tx.value.operations.push(operation)
          return db.write(operation, f)
        }),
      transaction: (effect) =>
        Effect.flatMap(FiberRef.get(currentRecord), (outer) => {
          if (Option.isSome(outer)) return db.transaction(effect)
          const entry = { operations: [] as string[], committed: false }
          recorded.transactions.push(entry)
          return db
            .transaction(Effect.locally(effect, currentRecord, Option.some(entry)))
            .pipe(Effect.tap(() => Effect.sync(() => (entry.committed = true))))
        })
    }))
  ).pipe(Layer.provide(PgliteDb.layerMemory))

const setup = (overrides: Partial<SystemSettings> = {}) => {
  const prefix = uniquePrefix("group")
  // One partition, so every actor's turn is the same worker's.
  const counter = Counter.make(`c${prefix}`, 1, { idleTimeout: "10 minutes" })
  const recorded: Recorded = { transactions: [] }
  const infra = Layer.mergeAll(
    MemoryBus.layer,
    recordingDb(recorded),
    RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a" })
  )
  // A long ack wait: messages held behind the blocker are not redelivered meanwhile.
  const system = systemLayer([counter.erased], {
    ...fastSettings,
    ackWait: "30 seconds",
    turnConcurrency: 1,
    ...overrides
  })
  return {
    counter,
    recorded,
    tableKind: `${prefix}/${counter.protocol.name}`,
    layer: system.pipe(Layer.provideMerge(infra))
  }
}

/** Starts a slow turn on "blocker" and waits until it runs: what is told now waits for the one worker. */
const blocked = (system: ActorSystem["Type"], counter: ReturnType<typeof Counter.make>) =>
  Effect.gen(function* () {
    Counter.slowTurns.now = 0
    yield* system.tell(counter.protocol, "blocker", Counter.Slow.make({ n: 0, millis: 2_000 }))
    yield* eventually(
      Effect.sync(() => Counter.slowTurns.now),
      (n) => n === 1,
      "the blocker's turn to run"
    )
  })

const count = (operations: ReadonlyArray<string>, name: string) => operations.filter((o) => o === name).length

describe("group commit", () => {
  it.live(
    "the turns of several actors waiting together commit in one transaction, each applied once",
    () => {
      const { counter, recorded, layer } = setup()
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        const ids = ["a", "b", "c", "d", "e"]
        yield* blocked(system, counter)
        for (const id of ids) yield* system.tell(counter.protocol, id, Counter.Add.make({ n: 1 }))
        for (const id of ids) {
          yield* eventually(Counter.storedValues(counter.protocol.name, id), (v) => v.length === 1, `${id}'s turn`)
        }
        const groups = recorded.transactions.filter((t) => t.committed && count(t.operations, "turn.claimMany") > 0)
        assert.strictEqual(groups.length, 1)
        const group = groups[0]?.operations ?? []
        // One claim (fence + offsets), five turns' saves, one multi-row outbox and audit statement.
        assert.strictEqual(count(group, "turn.claimMany"), 1)
        assert.strictEqual(count(group, "counter.save"), ids.length)
        assert.strictEqual(count(group, "outbox.insert"), 1)
        assert.strictEqual(count(group, "audit.turns"), 1)
        for (const id of ids) {
          assert.deepStrictEqual(yield* system.ask(counter.protocol, id, new Counter.GetValues()), [1])
        }
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    120_000
  )

  it.live(
    "a failing turn in a group is dead-lettered alone; the other turns commit together",
    () => {
      const { counter, recorded, tableKind, layer } = setup()
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        const db = yield* Db
        yield* blocked(system, counter)
        yield* system.tell(counter.protocol, "a", Counter.Add.make({ n: 1 }))
        yield* system.tell(counter.protocol, "poisoned", Counter.Poison.make({}))
        yield* system.tell(counter.protocol, "b", Counter.Add.make({ n: 1 }))
        yield* system.tell(counter.protocol, "c", Counter.Add.make({ n: 1 }))
        const deadLettered = db.use("test.dlq", (d) =>
          d.select().from(deadLetters).where(eq(deadLetters.kind, tableKind))
        )
        const rows = yield* eventually(deadLettered, (r) => r.length === 1, "the poisoned message's dead letter")
        assert.strictEqual(rows[0]?.actorId, "poisoned")
        // Its failure in the group counts as its first attempt: the budget is the kind's, not one more.
        assert.strictEqual(rows[0]?.attempts, 4)
        for (const id of ["a", "b", "c"]) {
          assert.deepStrictEqual(yield* Counter.storedValues(counter.protocol.name, id), [1])
        }
        const committed = recorded.transactions.filter((t) => t.committed && count(t.operations, "turn.claimMany") > 0)
        assert.strictEqual(committed.length, 1)
        assert.strictEqual(count(committed[0]?.operations ?? [], "counter.save"), 3)
        // The poisoned actor still takes messages after its dead letter.
        yield* system.tell(counter.protocol, "poisoned", Counter.Add.make({ n: 2 }))
        yield* eventually(
          Counter.storedValues(counter.protocol.name, "poisoned"),
          (v) => v.length === 1,
          "the next message"
        )
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    120_000
  )

  it.live(
    "a group whose partition was taken over commits nothing",
    () => {
      // No sweeps meanwhile: the group's claim is what must find the fence moved.
      const { counter, recorded, tableKind, layer } = setup({ sweepInterval: "1 hour", timerInterval: "1 hour" })
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        const db = yield* Db
        yield* blocked(system, counter)
        for (const id of ["a", "b", "c"]) yield* system.tell(counter.protocol, id, Counter.Add.make({ n: 1 }))
        // Another node's takeover while the group waits: queued on the one PGlite connection behind
        // the slow turn's transaction, so it lands before the group's claim.
        yield* db.use("test.fence", (d) =>
          d
            .update(partitionFence)
            .set({ epoch: sql`${partitionFence.epoch} + 1000`, owner: "node-b" })
            .where(eq(partitionFence.kind, tableKind))
        )
        yield* eventually(
          Effect.sync(() => recorded.transactions.filter((t) => count(t.operations, "turn.claimMany") > 0)),
          (groups) => groups.length > 0,
          "the group's attempt"
        )
        const owned = Effect.map(system.owned, (o) => o.some((p) => p.kind === counter.protocol.name))
        yield* eventually(owned, (o) => !o, "the partition to be given up")
        assert.isTrue(recorded.transactions.every((t) => count(t.operations, "turn.claimMany") === 0 || !t.committed))
        assert.deepStrictEqual(yield* Counter.storedValues(counter.protocol.name, "blocker"), [0])
        for (const id of ["a", "b", "c"])
          assert.deepStrictEqual(yield* Counter.storedValues(counter.protocol.name, id), [])
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    120_000
  )
})
