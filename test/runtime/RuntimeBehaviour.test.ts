import { assert, describe, it } from "@effect/vitest"
import { and, eq } from "drizzle-orm"
import { Effect, Layer, Metric, Option, Schema, Stream, TestClock } from "effect"
import { Db } from "../../db/Db.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { actorSnapshots, processedTurns } from "../../db/schema/runtime.ts"
import { ActorSystem, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import { Bus, BusError } from "../../runtime/Bus.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as M from "../../runtime/Metrics.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { eventually, fastSettings } from "./ActorRuntimeSuite.ts"
import * as Counter from "./fixtures/CounterKind.ts"

/** A bus whose first ack of every message is lost, as if the node crashed between commit and ack. */
const losingFirstAcks = Layer.effect(
  Bus,
  Effect.gen(function* () {
    const bus = yield* Bus
    const acked = new Set<number>()
    return {
      ...bus,
      consume: (stream, consumer, options) =>
        bus.consume(stream, consumer, options).pipe(
          Stream.map((delivery) => {
            const lose = Effect.sync(() => acked.add(delivery.seq)).pipe(
              Effect.zipRight(Effect.fail(new BusError({ operation: "ack", message: "connection lost" })))
            )
            return {
              ...delivery,
              ack: acked.has(delivery.seq) ? delivery.ack : lose,
              ackNoWait: acked.has(delivery.seq) ? delivery.ackNoWait : lose
            }
          })
        )
    }
  })
).pipe(Layer.provide(MemoryBus.layer))

const infra = (bus: Layer.Layer<Bus>, prefix: string) =>
  Layer.mergeAll(bus, PgliteDb.layerMemory, RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a" }))

const StoredValues = Schema.Struct({ values: Schema.Array(Schema.Number) })

/** Lets promise-based I/O (PGlite) progress while Effect time stands still under TestClock. */
const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))

const untilTestClock = <A, E, R>(effect: Effect.Effect<A, E, R>, check: (a: A) => boolean) =>
  Effect.gen(function* () {
    for (let i = 0; i < 2_000; i++) {
      const value = yield* effect
      if (check(value)) return value
      yield* settle
    }
    return yield* Effect.die(new Error("condition never held"))
  })

describe("runtime behaviour", () => {
  it.live("a message redelivered after a crash between commit and ack is applied once", () => {
    const prefix = uniquePrefix("ack")
    const counter = Counter.make(`c${prefix}`, 2)
    return Effect.gen(function* () {
      const system = yield* ActorSystem
      for (const n of [1, 2, 3]) yield* system.tell(counter.protocol, "once", Counter.Add.make({ n }))
      const skipped = Metric.tagged(M.messagesSkipped, "kind", counter.protocol.name)
      // Every first ack is lost, so each message comes back after the ack wait and must be skipped.
      yield* eventually(Metric.value(skipped), (s) => s.count >= 3, "three skipped redeliveries")
      const values = yield* system.ask(counter.protocol, "once", new Counter.GetValues())
      assert.deepStrictEqual(values, [1, 2, 3])
      const db = yield* Db
      const turns = yield* db.use("test", (d) =>
        d
          .select()
          .from(processedTurns)
          .where(and(eq(processedTurns.kind, `${prefix}/${counter.protocol.name}`), eq(processedTurns.actorId, "once")))
      )
      assert.strictEqual(turns.length, 3)
    }).pipe(
      Effect.provide(systemLayer([counter.erased], fastSettings)),
      Effect.provide(infra(losingFirstAcks, prefix)),
      Effect.scoped
    )
  })

  it.effect(
    "an idle actor is passivated and reactivated with its state (TestClock)",
    () => {
      const prefix = uniquePrefix("pas")
      const counter = Counter.make(`c${prefix}`, 1, { idleTimeout: "2 minutes" })
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        const db = yield* Db
        // Read the stored state, not an ask: an ask's retry would wait on the test clock.
        const values = db
          .use("test", (d) =>
            d
              .select({ state: actorSnapshots.state })
              .from(actorSnapshots)
              .where(and(eq(actorSnapshots.kind, counter.protocol.name), eq(actorSnapshots.actorId, "sleepy")))
          )
          .pipe(
            Effect.map((rows) =>
              JSON.stringify(
                Option.match(Schema.decodeUnknownOption(StoredValues)(rows[0]?.state), {
                  onNone: () => [],
                  onSome: (s) => s.values
                })
              )
            )
          )
        yield* system.tell(counter.protocol, "sleepy", Counter.Add.make({ n: 1 }))
        yield* untilTestClock(values, (v) => v === JSON.stringify([1]))
        assert.strictEqual(Counter.activations.get("sleepy"), 1)
        const live = Metric.tagged(M.activeActors, "kind", counter.protocol.name)
        assert.strictEqual((yield* Metric.value(live)).value, 1)

        // Not idle long enough: still the same activation.
        yield* TestClock.adjust("1 minute")
        yield* settle
        assert.strictEqual((yield* Metric.value(live)).value, 1)

        yield* TestClock.adjust("2 minutes")
        yield* untilTestClock(Metric.value(live), (g) => g.value === 0)

        yield* system.tell(counter.protocol, "sleepy", Counter.Add.make({ n: 2 }))
        yield* untilTestClock(values, (v) => v === JSON.stringify([1, 2]))
        assert.strictEqual(Counter.activations.get("sleepy"), 2)
      }).pipe(
        Effect.provide(systemLayer([counter.erased], { ...fastSettings, audit: false })),
        Effect.provide(infra(MemoryBus.layer, prefix)),
        Effect.scoped
      )
      // Each test-clock minute runs every renewal, poll and sweep of that minute (4–8 s of CPU
      // alone; over 60 s on a 2-core machine running two test files and a benchmark).
    },
    180_000
  )

  it.live("a slow actor with a full mailbox holds back its partition without losing messages", () => {
    const prefix = uniquePrefix("bp")
    const counter = Counter.make(`c${prefix}`, 2, { mailboxCapacity: 2 })
    return Effect.gen(function* () {
      const system = yield* ActorSystem
      // Find a second actor in the other partition: it must keep flowing.
      const { partitionOf } = yield* Effect.promise(() => import("../../runtime/Address.ts"))
      const slowPartition = partitionOf("slow", 2)
      const other = ["a", "b", "c", "d", "e", "f"].find((id) => partitionOf(id, 2) !== slowPartition) ?? "a"
      for (let n = 1; n <= 20; n++) yield* system.tell(counter.protocol, "slow", Counter.Slow.make({ n, millis: 50 }))
      const started = Date.now()
      yield* system.tell(counter.protocol, other, Counter.Add.make({ n: 1 }))
      yield* eventually(
        system.ask(counter.protocol, other, new Counter.GetValues()),
        (v) => v.length === 1,
        "the other partition's actor"
      )
      const otherDone = Date.now() - started
      const slow = yield* eventually(
        system.ask(counter.protocol, "slow", new Counter.GetValues()),
        (v) => v.length === 20,
        "all slow messages"
      )
      assert.deepStrictEqual(
        slow,
        Array.from({ length: 20 }, (_, i) => i + 1)
      )
      assert.isBelow(otherDone, Date.now() - started, "the other partition finished before the slow actor")
    }).pipe(
      Effect.provide(systemLayer([counter.erased], { ...fastSettings, batch: 2, ackWait: "30 seconds" })),
      Effect.provide(infra(MemoryBus.layer, prefix)),
      Effect.scoped
    )
  })
})
