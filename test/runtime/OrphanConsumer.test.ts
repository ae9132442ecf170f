import { assert, describe, it } from "@effect/vitest"
import { and, eq } from "drizzle-orm"
import { Effect, Layer, Option } from "effect"
import { Db } from "../../db/Db.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { partitionFence } from "../../db/schema/runtime.ts"
import { ActorSystem, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import { names } from "../../runtime/Address.ts"
import { Bus, type BusShape, BusTimeout } from "../../runtime/Bus.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { eventually, fastSettings } from "./ActorRuntimeSuite.ts"
import * as Counter from "./fixtures/CounterKind.ts"

/**
 * Consumers a partition's earlier owners may have left on the stream. nats-server 2.9 can keep a
 * consumer on the stream's replicas after the cluster forgot it (a NATS server died while it was
 * being created or deleted): the consumer NAMES API does not list it, a delete by name answers "not
 * found", and every new consumer on the partition's filter is refused as "not unique" on the work
 * queue. Re-creating it under its own name assigns it again, and then a delete removes it. The
 * bus here models exactly that; the partition's owners record every consumer name they create in
 * the fence row, so the next owner knows the orphan's name.
 */

const setup = () => {
  const prefix = uniquePrefix("orphan")
  const counter = Counter.make(`c${prefix}`, 1)
  const kind = counter.protocol.name
  const n = names(prefix)
  const tableKind = n.tableKind(kind)
  const infra = Layer.mergeAll(
    MemoryBus.layer,
    PgliteDb.layerMemory,
    RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a" })
  )
  const system = systemLayer([counter.erased], fastSettings)
  const streamSpec = {
    name: n.stream(kind),
    subjects: [n.streamSubjects(kind)],
    retention: "workqueue" as const,
    replicas: 1,
    maxBytes: 8 * 1024 * 1024,
    maxMsgs: 1_000_000,
    duplicateWindow: "2 minutes" as const
  }
  const consumerSpec = (name: string) => ({
    stream: n.stream(kind),
    name,
    filterSubject: n.partitionFilter(kind, 0),
    ackWait: fastSettings.ackWait ?? "1 second",
    maxAckPending: 512
  })
  return { counter, kind, n, tableKind, infra, system, streamSpec, consumerSpec }
}

/** The server's view of an orphan: not listed, not deletable by name, until re-created under its name. */
const hiding = (bus: BusShape, stream: string, orphan: string): BusShape => {
  let assigned = false
  return {
    ...bus,
    consumerNames: (s) =>
      Effect.map(bus.consumerNames(s), (all) => (s === stream && !assigned ? all.filter((c) => c !== orphan) : all)),
    deleteConsumer: (s, name) =>
      s === stream && name === orphan && !assigned ? Effect.void : bus.deleteConsumer(s, name),
    ensureConsumer: (spec) => {
      if (spec.stream === stream && spec.name === orphan) assigned = true
      return bus.ensureConsumer(spec)
    }
  }
}

const fenceRow = (tableKind: string) =>
  Effect.flatMap(Db, (db) =>
    db.use("test.fence", (d) =>
      d
        .select()
        .from(partitionFence)
        .where(and(eq(partitionFence.kind, tableKind), eq(partitionFence.partition, 0)))
    )
  ).pipe(Effect.map((rows) => Option.fromNullable(rows[0])))

const tellAndRead = (counter: ReturnType<typeof Counter.make>, n: number) =>
  Effect.gen(function* () {
    const actors = yield* ActorSystem
    yield* actors.tell(counter.protocol, "a", Counter.Add.make({ n }))
    return yield* eventually(
      actors.ask(counter.protocol, "a", new Counter.GetValues()),
      (v) => v.includes(n),
      "the partition to run"
    )
  })

describe("an orphan consumer on the partition's filter", () => {
  it.live(
    "is adopted under the name the fence row recorded and deleted, so the takeover goes on",
    () => {
      const { counter, n, kind, tableKind, infra, system, streamSpec, consumerSpec } = setup()
      return Effect.gen(function* () {
        const bus = yield* Bus
        const db = yield* Db
        yield* bus.ensureStream(streamSpec)
        const orphan = n.consumer(kind, 0, 0)
        yield* bus.ensureConsumer(consumerSpec(orphan))
        // Its owner (epoch 3) recorded the name before creating it, then died.
        yield* db.use("test.fence", (d) =>
          d
            .insert(partitionFence)
            .values({ kind: tableKind, partition: 0, epoch: 3, owner: "node-x", consumers: [orphan] })
        )
        const values = yield* tellAndRead(counter, 7).pipe(
          Effect.provide(system),
          Effect.provideService(Bus, hiding(bus, streamSpec.name, orphan))
        )
        assert.deepStrictEqual(values, [7])
        const left = yield* bus.consumerNames(streamSpec.name)
        assert.notInclude(left, orphan)
        // Only the live consumer's name stays recorded.
        const row = yield* fenceRow(tableKind)
        assert.isTrue(Option.isSome(row))
        const recorded = Option.getOrThrow(row).consumers
        assert.deepStrictEqual(recorded, [n.consumer(kind, 0, Option.getOrThrow(row).epoch)])
      }).pipe(Effect.provide(infra), Effect.scoped)
    },
    120_000
  )

  it.live(
    "a consumer create whose reply timed out is tried again under the same epoch, not started over",
    () => {
      const { counter, infra, system, streamSpec } = setup()
      return Effect.gen(function* () {
        const bus = yield* Bus
        const calls: Array<string> = []
        let timeouts = 2
        // The create lands on the server, but its reply is lost (the meta leader died): a timeout.
        const flaky: BusShape = {
          ...bus,
          ensureConsumer: (spec) =>
            Effect.zipRight(
              Effect.sync(() => calls.push(`create ${spec.name}`)),
              Effect.flatMap(bus.ensureConsumer(spec), () =>
                timeouts-- > 0
                  ? Effect.fail(new BusTimeout({ operation: "ensureConsumer", subject: spec.name }))
                  : Effect.void
              )
            ),
          deleteConsumer: (s, name) =>
            Effect.zipRight(
              Effect.sync(() => calls.push(`delete ${name}`)),
              bus.deleteConsumer(s, name)
            )
        }
        const values = yield* tellAndRead(counter, 5).pipe(Effect.provide(system), Effect.provideService(Bus, flaky))
        assert.deepStrictEqual(values, [5])
        const first = calls.find((c) => c.startsWith("create ")) ?? ""
        // One name, created three times (two lost replies, then the answer), never deleted: one epoch.
        assert.deepStrictEqual(calls, [first, first, first])
        assert.include(yield* bus.consumerNames(streamSpec.name), first.slice("create ".length))
      }).pipe(Effect.provide(infra), Effect.scoped)
    },
    120_000
  )
})
