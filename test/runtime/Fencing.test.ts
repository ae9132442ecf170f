import { assert, describe, it } from "@effect/vitest"
import { eq, sql } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { Db } from "../../db/Db.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { outbox, partitionFence } from "../../db/schema/runtime.ts"
import { ActorSystem, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import { names } from "../../runtime/Address.ts"
import { Bus } from "../../runtime/Bus.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { eventually, fastSettings } from "./ActorRuntimeSuite.ts"
import * as Counter from "./fixtures/CounterKind.ts"

/**
 * What a node does once another has taken its partition over (the fence row moved past its epoch)
 * while it still believes it holds it — the paused-then-woken former owner. Turns that commit are
 * refused by their transaction's fence check; these are the paths that act before or outside one.
 */

const setup = (kindOptions: Parameters<typeof Counter.make>[2] = {}) => {
  const prefix = uniquePrefix("fence")
  const counter = Counter.make(`c${prefix}`, 1, kindOptions)
  const tableKind = `${prefix}/${counter.protocol.name}`
  const infra = Layer.mergeAll(
    MemoryBus.layer,
    PgliteDb.layerMemory,
    RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a" })
  )
  const system = systemLayer([counter.erased], fastSettings)
  return { prefix, counter, tableKind, infra, system, layer: system.pipe(Layer.provideMerge(infra)) }
}

/** Another node's takeover, as the database sees it. */
const moveFence = (tableKind: string) =>
  Effect.flatMap(Db, (db) =>
    db.use("test.fence", (d) =>
      d
        .update(partitionFence)
        .set({ epoch: sql`${partitionFence.epoch} + 1000`, owner: "node-b" })
        .where(eq(partitionFence.kind, tableKind))
    )
  )

const owns = (kind: string) =>
  Effect.map(ActorSystem, (s) => Effect.map(s.owned, (owned) => owned.some((o) => o.kind === kind)))

describe("a former owner after a takeover", () => {
  it.live("does not run a non-transactional turn (whose effects cannot be rolled back)", () => {
    const { counter, tableKind, layer } = setup({ transactional: false })
    return Effect.gen(function* () {
      const system = yield* ActorSystem
      yield* system.tell(counter.protocol, "a", Counter.Add.make({ n: 1 }))
      yield* eventually(Counter.storedValues(counter.protocol.name, "a"), (v) => v.length === 1, "the first turn")
      const ownsIt = yield* owns(counter.protocol.name)
      yield* moveFence(tableKind)
      yield* system.tell(counter.protocol, "a", Counter.Add.make({ n: 2 }))
      // The turn's fence check fails, the partition stops; nothing of the turn may have happened.
      yield* eventually(ownsIt, (owned) => !owned, "the partition to be given up")
      assert.deepStrictEqual(yield* Counter.storedValues(counter.protocol.name, "a"), [1])
    }).pipe(Effect.provide(layer), Effect.scoped)
  })

  it.live("does not relay outbox rows it finds on its sweep", () => {
    const { counter, tableKind, layer } = setup()
    const row = (subject: string) => ({
      kind: tableKind,
      partition: 0,
      epoch: 1,
      subject,
      payload: "{}",
      durable: 0
    })
    const sentAt = (id: number) =>
      Effect.flatMap(Db, (db) =>
        db.use("test.sent", (d) => d.select({ sentAt: outbox.sentAt }).from(outbox).where(eq(outbox.id, id)))
      ).pipe(Effect.map((rows) => rows[0]?.sentAt ?? null))
    const insert = (subject: string) =>
      Effect.flatMap(Db, (db) =>
        db.use("test.outbox", (d) => d.insert(outbox).values(row(subject)).returning({ id: outbox.id }))
      ).pipe(Effect.map((rows) => rows[0]!.id))
    return Effect.gen(function* () {
      const system = yield* ActorSystem
      // The partition runs (a turn went through), and its sweeper relays a row left unsent.
      yield* system.tell(counter.protocol, "a", Counter.Add.make({ n: 1 }))
      yield* eventually(Counter.storedValues(counter.protocol.name, "a"), (v) => v.length === 1, "the first turn")
      const before = yield* insert("test.fence.before")
      yield* eventually(sentAt(before), (at) => at !== null, "the sweeper to relay a pending row")
      const ownsIt = yield* owns(counter.protocol.name)
      yield* moveFence(tableKind)
      const after = yield* insert("test.fence.after")
      yield* eventually(ownsIt, (owned) => !owned, "the partition to be given up")
      // Several sweep intervals (300 ms) later it is still unsent: the new owner relays it, not this node.
      yield* Effect.sleep("1500 millis")
      assert.isNull(yield* sentAt(after))
    }).pipe(Effect.provide(layer), Effect.scoped)
  })
})

describe("a takeover", () => {
  it.live("removes every older consumer of the partition, not only the previous epoch's", () => {
    const { prefix, counter, infra, system } = setup()
    const n = names(prefix)
    const kind = counter.protocol.name
    return Effect.gen(function* () {
      // Left by an owner two takeovers ago whose delete did not reach the server: no fence row names it.
      const bus = yield* Bus
      yield* bus.ensureStream({
        name: n.stream(kind),
        subjects: [n.streamSubjects(kind)],
        retention: "workqueue",
        replicas: 1,
        maxBytes: 8 * 1024 * 1024,
        maxMsgs: 1_000_000,
        duplicateWindow: "2 minutes"
      })
      const stale = n.consumer(kind, 0, 0)
      yield* bus.ensureConsumer({
        stream: n.stream(kind),
        name: stale,
        filterSubject: n.partitionFilter(kind, 0),
        ackWait: "1 second",
        maxAckPending: 10
      })
      const values = yield* Effect.gen(function* () {
        const actors = yield* ActorSystem
        yield* actors.tell(counter.protocol, "a", Counter.Add.make({ n: 7 }))
        return yield* eventually(Counter.storedValues(kind, "a"), (v) => v.length === 1, "the partition to run")
      }).pipe(Effect.provide(system))
      assert.deepStrictEqual(values, [7])
      const left = yield* bus.consumerNames(n.stream(kind))
      assert.notInclude(left, stale)
    }).pipe(Effect.provide(infra), Effect.scoped)
  })
})
