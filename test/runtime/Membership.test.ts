import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Layer, Scope } from "effect"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { ActorSystem, type SystemSettings, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import { names } from "../../runtime/Address.ts"
import { Bus, BusError, type Kv } from "../../runtime/Bus.ts"
import { winner } from "../../runtime/internal/rendezvous.ts"
import * as Membership from "../../runtime/Membership.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { eventually, fastSettings } from "./ActorRuntimeSuite.ts"
import * as Counter from "./fixtures/CounterKind.ts"

const keys = Array.from({ length: 12_000 }, (_, i) => `kind${i % 4}.${Math.floor(i / 4)}`)
const nodes = (n: number) => Array.from({ length: n }, (_, i) => `node-${i + 1}`)

const placement = (members: ReadonlyArray<string>) => new Map(keys.map((k) => [k, winner(members, k)]))

const shares = (placed: ReadonlyMap<string, string | undefined>) => {
  const count = new Map<string, number>()
  for (const node of placed.values()) if (node !== undefined) count.set(node, (count.get(node) ?? 0) + 1)
  return count
}

describe("rendezvous placement", () => {
  for (const n of [3, 4]) {
    it(`spreads partitions evenly over ${n} members (each within 5% of its fair share)`, () => {
      const count = shares(placement(nodes(n)))
      assert.strictEqual(count.size, n)
      const fair = keys.length / n
      for (const [node, c] of count) assert.isBelow(Math.abs(c - fair) / fair, 0.05, `${node}: ${c} of ${keys.length}`)
    })
  }

  it("a 4th member takes about a quarter, all of it from the others; nothing else moves", () => {
    const before = placement(nodes(3))
    const after = placement(nodes(4))
    const moved = keys.filter((k) => before.get(k) !== after.get(k))
    assert.isTrue(moved.every((k) => after.get(k) === "node-4"))
    assert.isAbove(moved.length / keys.length, 0.22)
    assert.isBelow(moved.length / keys.length, 0.28)
  })

  it("removing a member moves only what it held, spread over the others", () => {
    const before = placement(nodes(4))
    const rest = nodes(4).filter((m) => m !== "node-2")
    const after = placement(rest)
    const moved = keys.filter((k) => before.get(k) !== after.get(k))
    assert.isTrue(moved.every((k) => before.get(k) === "node-2"))
    assert.strictEqual(moved.length, shares(before).get("node-2"))
    const receivers = new Set(moved.map((k) => after.get(k)))
    assert.deepStrictEqual([...receivers].sort(), rest)
  })

  it("every node computes the same winner whatever order it lists the members in", () => {
    const forward = nodes(5)
    const backward = [...forward].reverse()
    assert.isTrue(keys.every((k) => winner(forward, k) === winner(backward, k)))
    assert.isUndefined(winner([], "conv.1"))
  })
})

/** The bucket as one node sees it, with a switch that makes its heartbeats fail (a node cut off). */
const cuttable = (kv: Kv) => {
  let cut = false
  const handle: Kv = {
    ...kv,
    put: (key, value) =>
      cut ? Effect.fail(new BusError({ operation: "kv.put", message: "cut off" })) : kv.put(key, value)
  }
  return { kv: handle, cut: () => (cut = true) }
}

const fast: Membership.MembershipSettings = { ttl: 900, heartbeatEvery: 200, refreshEvery: 100 }

const memberIds = (m: Membership.Membership) => Effect.map(m.view, (v) => v.members)

describe("membership", () => {
  it.live("a node whose heartbeats stop is dropped after the TTL; one that leaves is dropped at once", () =>
    Effect.gen(function* () {
      const bus = MemoryBus.make()
      const kv = yield* bus.kv({ bucket: "test_nodes", replicas: 1, ttl: fast.ttl })
      const a = yield* Membership.join({ kv, self: "node-a", settings: fast })
      const bSide = cuttable(kv)
      yield* Membership.join({ kv: bSide.kv, self: "node-b", settings: fast })
      const cScope = yield* Scope.make()
      const c = yield* Membership.join({ kv, self: "node-c", settings: fast }).pipe(Scope.extend(cScope))
      yield* eventually(memberIds(a), (m) => m.join() === "node-a,node-b,node-c", "a sees all three")
      const infos = yield* a.nodes
      assert.deepStrictEqual(infos.map((n) => n.id).sort(), ["node-a", "node-b", "node-c"])
      assert.isTrue(infos.every((n) => n.pid === process.pid && n.heartbeatAt >= n.startedAt))

      // b stays up but can no longer write: it keeps itself in its own view, the others drop it.
      bSide.cut()
      const cutAt = Date.now()
      yield* eventually(memberIds(a), (m) => m.join() === "node-a,node-c", "b dropped after its TTL")
      assert.isAtLeast(Date.now() - cutAt, fast.ttl - fast.heartbeatEvery)

      // c shuts down gracefully: gone well before a TTL would have run out.
      const leftAt = Date.now()
      yield* Scope.close(cScope, Exit.void)
      yield* eventually(memberIds(a), (m) => m.join() === "node-a", "c dropped on leaving")
      assert.isBelow(Date.now() - leftAt, fast.ttl)
      assert.isTrue((yield* c.view).members.includes("node-c"))
    }).pipe(Effect.scoped)
  )
})

/**
 * The bucket through a JetStream election: while it lasts, listings fail and the entries lapse; a
 * node's write either waits for the election's end and then lands (`hang`), or gets no answer and
 * fails (`fail`: the request timed out) until two heartbeats after the end, when the node's next
 * heartbeat lands (with a 5 s request timeout and 1.2 s heartbeats, up to a few seconds late).
 */
const election = (kv: Kv) =>
  Effect.gen(function* () {
    let over = yield* Deferred.make<void>()
    let on = false
    let failUntil = 0
    const during = <A>(normal: Effect.Effect<A, BusError>, meanwhile: Effect.Effect<A, BusError>) =>
      Effect.suspend(() => (on ? meanwhile : normal))
    const seenBy = (writes: "hang" | "fail"): Kv => ({
      ...kv,
      put: (key, value) =>
        during(
          Effect.suspend(() =>
            writes === "fail" && Date.now() < failUntil
              ? Effect.fail(new BusError({ operation: "kv.put", message: "timeout" }))
              : kv.put(key, value)
          ),
          writes === "hang"
            ? Effect.zipRight(Deferred.await(over), kv.put(key, value))
            : Effect.fail(new BusError({ operation: "kv.put", message: "timeout" }))
        ),
      entries: during(
        kv.entries,
        Effect.fail(new BusError({ operation: "kv.entries", message: "jetstream is not enabled" }))
      )
    })
    const start = Effect.gen(function* () {
      over = yield* Deferred.make<void>()
      on = true
    })
    const end = Effect.suspend(() => {
      on = false
      failUntil = Date.now() + 2 * fast.heartbeatEvery
      return Deferred.succeed(over, undefined)
    })
    return { seenBy, start, end }
  })

describe("membership through a JetStream election", () => {
  it.live("keeps a member whose entry lapsed while the bucket could not be written, though its own write landed", () =>
    Effect.gen(function* () {
      const bus = MemoryBus.make()
      const kv = yield* bus.kv({ bucket: "test_nodes_el", replicas: 1, ttl: fast.ttl })
      const nats = yield* election(kv)
      // a's heartbeat waits through the election and lands; b's gets no answer, so b writes again
      // only a heartbeat later, while a lists the bucket every 100 ms.
      const a = yield* Membership.join({ kv: nats.seenBy("hang"), self: "node-a", settings: fast })
      const b = yield* Membership.join({ kv: nats.seenBy("fail"), self: "node-b", settings: fast })
      yield* eventually(memberIds(a), (m) => m.join() === "node-a,node-b", "a sees both")
      yield* eventually(memberIds(b), (m) => m.join() === "node-a,node-b", "b sees both")
      const views: Array<string> = []
      const record = (m: Membership.Membership) =>
        m.changed.pipe(
          Effect.zipRight(memberIds(m)),
          Effect.tap((ids) => Effect.sync(() => views.push(`${m.self}: ${ids.join()}`))),
          Effect.forever,
          Effect.forkScoped
        )
      yield* record(a)
      yield* record(b)
      yield* nats.start
      yield* eventually(kv.entries, (e) => e.length === 0, "both entries lapsed")
      const endedAt = Date.now()
      yield* nats.end
      // Once each has listed both entries written after the election, a miss can no longer drop
      // either: any drop would have come before, and shown in `views`.
      const fresh = (m: Membership.Membership) =>
        eventually(
          Effect.map(m.nodes, (n) => n.filter((info) => info.heartbeatAt >= endedAt).length),
          (count) => count === 2,
          `${m.self} listed both entries written after the election`
        )
      yield* fresh(a)
      yield* fresh(b)
      assert.deepStrictEqual(views, [], "no view changed")
    }).pipe(Effect.scoped)
  )
})

/** Two runtime nodes in one process sharing one in-process bus and one database. */
const twoNodes = (overrides: Partial<SystemSettings> = {}) =>
  Effect.gen(function* () {
    const prefix = uniquePrefix("mem")
    const counter = Counter.make(`c${prefix}`, 16)
    const shared = MemoryBus.make()
    const bus = Layer.succeed(Bus, shared)
    const db = Layer.succeedContext(yield* Layer.build(PgliteDb.layerMemory))
    const node = (nodeId: string) =>
      systemLayer([counter.erased], { ...fastSettings, ...overrides }).pipe(
        Layer.provide(
          Layer.mergeAll(bus, db, RuntimeConfig.layer({ subjectPrefix: prefix, nodeId, placement: "rendezvous" }))
        )
      )
    const start = (nodeId: string, scope: Scope.Scope) =>
      Effect.map(
        Layer.buildWithScope(node(nodeId), scope),
        (ctx) => ctx.unsafeMap.get(ActorSystem.key) as ActorSystem["Type"]
      )
    const partitionKeys = Array.from({ length: 16 }, (_, p) => `${counter.protocol.name}.${p}`)
    return { start, partitionKeys, bus: shared, names: names(prefix) }
  })

const ownedKeys = (system: ActorSystem["Type"]) =>
  Effect.map(system.owned, (owned) => owned.map((o) => `${o.kind}.${o.partition}`).sort())

describe("placement in the runtime", () => {
  it.live(
    "a joining node takes exactly the partitions it wins, and gets them back to the others when it leaves",
    () =>
      Effect.gen(function* () {
        const { start, partitionKeys } = yield* twoNodes()
        const a = yield* start("node-a", yield* Effect.scope)
        yield* eventually(ownedKeys(a), (k) => k.length === partitionKeys.length, "node-a holds every partition")
        const epochs = new Map((yield* a.owned).map((o) => [`${o.kind}.${o.partition}`, o.epoch]))

        const bScope = yield* Scope.make()
        const joinedAt = Date.now()
        const b = yield* start("node-b", bScope)
        const bWins = partitionKeys.filter((k) => winner(["node-a", "node-b"], k) === "node-b").sort()
        assert.isAbove(bWins.length, 0)
        yield* eventually(ownedKeys(b), (k) => k.join() === bWins.join(), "node-b holds what it wins")
        yield* eventually(
          ownedKeys(a),
          (k) =>
            k.join() ===
            partitionKeys
              .filter((p) => !bWins.includes(p))
              .sort()
              .join(),
          "node-a keeps the rest"
        )
        // Released, not expired: well inside the lease TTL (5 s here).
        assert.isBelow(Date.now() - joinedAt, 5_000)
        // The rest never moved: same epochs.
        for (const o of yield* a.owned) assert.strictEqual(o.epoch, epochs.get(`${o.kind}.${o.partition}`))
        for (const o of yield* b.owned) assert.isAbove(o.epoch, epochs.get(`${o.kind}.${o.partition}`) ?? 0)

        const view = yield* a.cluster
        assert.deepStrictEqual(
          view.nodes.map((n) => [n.id, n.live, n.partitions.length]),
          [
            ["node-a", true, partitionKeys.length - bWins.length],
            ["node-b", true, bWins.length]
          ]
        )

        const leftAt = Date.now()
        yield* Scope.close(bScope, Exit.void)
        yield* eventually(ownedKeys(a), (k) => k.length === partitionKeys.length, "node-a holds every partition again")
        assert.isBelow(Date.now() - leftAt, 5_000)
      }).pipe(Effect.scoped),
    60_000
  )
})

describe("hand-over", () => {
  it.live(
    "the winner takes a released partition on the old owner's notice, not at its next poll",
    () =>
      Effect.gen(function* () {
        // Polls a minute apart: only the notice can make the hand-over quick.
        const minute = 60_000
        const { start, partitionKeys } = yield* twoNodes({
          placement: {
            mode: "rendezvous",
            orphanAfter: 2 * minute,
            orphanCheckEvery: minute,
            claimEvery: minute,
            drainFor: 1_000,
            handOverSlots: 3,
            takerWait: 3_000
          }
        })
        const a = yield* start("node-a", yield* Effect.scope)
        yield* eventually(ownedKeys(a), (k) => k.length === partitionKeys.length, "node-a holds every partition")
        const joinedAt = Date.now()
        const b = yield* start("node-b", yield* Effect.scope)
        const bWins = partitionKeys.filter((k) => winner(["node-a", "node-b"], k) === "node-b").sort()
        yield* eventually(ownedKeys(b), (k) => k.join() === bWins.join(), "node-b holds what it wins")
        assert.isBelow(Date.now() - joinedAt, 10_000)
      }).pipe(Effect.scoped),
    120_000
  )
})

describe("paced hand-overs", () => {
  it.live(
    "a node hands over one partition at a time when it has one slot: the next is released only once the new owner pulls the last",
    () =>
      Effect.gen(function* () {
        const {
          start,
          partitionKeys,
          bus,
          names: deployment
        } = yield* twoNodes({
          placement: {
            mode: "rendezvous",
            orphanAfter: 60_000,
            orphanCheckEvery: 30_000,
            claimEvery: 30_000,
            drainFor: 1_000,
            handOverSlots: 1,
            // Longer than the test: only the new owner's word frees the slot.
            takerWait: 600_000
          }
        })
        const a = yield* start("node-a", yield* Effect.scope)
        yield* eventually(ownedKeys(a), (k) => k.length === partitionKeys.length, "node-a holds every partition")
        // Released and not yet pulled by the new owner, as the notices tell it.
        const unowned = new Set<string>()
        let most = 0
        const decoder = new TextDecoder()
        const lease = deployment.leaseBucket()
        yield* bus.subscribe(`${lease}.released.>`, (m) =>
          Effect.sync(() => {
            unowned.add(decoder.decode(m.data))
            most = Math.max(most, unowned.size)
          })
        )
        yield* bus.subscribe(`${lease}.taken.>`, (m) => Effect.sync(() => unowned.delete(decoder.decode(m.data))))
        const b = yield* start("node-b", yield* Effect.scope)
        const bWins = partitionKeys.filter((k) => winner(["node-a", "node-b"], k) === "node-b").sort()
        assert.isAbove(bWins.length, 1)
        yield* eventually(ownedKeys(b), (k) => k.join() === bWins.join(), "node-b holds what it wins")
        yield* eventually(
          Effect.sync(() => unowned.size),
          (n) => n === 0,
          "every released partition pulled"
        )
        assert.strictEqual(most, 1)
      }).pipe(Effect.scoped),
    120_000
  )
})
