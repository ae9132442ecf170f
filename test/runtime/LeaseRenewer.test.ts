import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Option, TestClock } from "effect"
import { BusError, type Kv, KvConflict } from "../../runtime/Bus.ts"
import * as LeaseRenewer from "../../runtime/internal/leaseRenewer.ts"

/**
 * The node's lease renewer, against a bucket in memory whose writes the test can make fail, time
 * out after landing, lose to another holder, or whose keys it can let lapse; time is the TestClock's.
 */

const settings = { renewEvery: 1_500, suspectAfter: 4_500 }
const ours = new TextEncoder().encode(JSON.stringify({ node: "node-a", epoch: 1 }))
const theirs = new TextEncoder().encode(JSON.stringify({ node: "node-b", epoch: 9 }))

type Mode = "ok" | "down" | "lands-but-times-out"

const bucket = () => {
  const entries = new Map<string, { value: Uint8Array; revision: number }>()
  let sequence = 0
  let mode: Mode = "ok"
  const updates: Array<number> = []
  const write = (key: string, value: Uint8Array) => {
    sequence++
    entries.set(key, { value, revision: sequence })
    return sequence
  }
  const kv: Kv = {
    bucket: "test",
    get: (key) => Effect.sync(() => Option.map(Option.fromNullable(entries.get(key)), (e) => ({ key, ...e }))),
    create: (key, value) =>
      entries.has(key) ? Effect.fail(new KvConflict({ bucket: "test", key })) : Effect.sync(() => write(key, value)),
    update: (key, value, revision) =>
      Effect.suspend((): Effect.Effect<number, KvConflict | BusError> => {
        updates.push(revision)
        if (mode === "down") return Effect.fail(new BusError({ operation: "kv.update", message: "no leader" }))
        if (entries.get(key)?.revision !== revision) return Effect.fail(new KvConflict({ bucket: "test", key }))
        const next = write(key, value)
        return mode === "lands-but-times-out"
          ? Effect.fail(new BusError({ operation: "kv.update", message: "TimeoutError: no reply" }))
          : Effect.succeed(next)
      }),
    put: (key, value) => Effect.sync(() => write(key, value)),
    delete: (key) => Effect.sync(() => void entries.delete(key)),
    entries: Effect.succeed([])
  }
  return {
    kv,
    updates,
    write,
    /** The key's TTL ran out (no write reached it in time). */
    lapse: (key: string) => entries.delete(key),
    setMode: (m: Mode) => {
      mode = m
    }
  }
}

/** Lets the renewer's forked renewals run after the clock moved. */
const advance = (millis: number) => Effect.zipRight(TestClock.adjust(millis), Effect.yieldNow())

describe("the lease renewer", () => {
  it.scoped("renews every held lease on its own timer, each from the revision it last wrote", () =>
    Effect.gen(function* () {
      const b = bucket()
      const renewer = yield* LeaseRenewer.make(b.kv, settings)
      const first = b.write("conv.1", ours)
      const held = yield* renewer.hold("conv.1", ours, first)
      for (let i = 0; i < 4; i++) yield* advance(settings.renewEvery)
      assert.isAtLeast(b.updates.length, 3)
      assert.deepStrictEqual(
        b.updates.slice(0, 3),
        [first, first + 1, first + 2],
        "each renewal compares against the previous one's revision"
      )
      assert.isTrue(Option.isNone(yield* Deferred.poll(held.lost)))
    })
  )

  it.scoped("keeps a lease whose renewal landed although its reply was lost (a timeout, then a conflict)", () =>
    Effect.gen(function* () {
      const b = bucket()
      const renewer = yield* LeaseRenewer.make(b.kv, settings)
      const held = yield* renewer.hold("conv.1", ours, b.write("conv.1", ours))
      b.setMode("lands-but-times-out")
      yield* advance(settings.renewEvery)
      b.setMode("ok")
      // The next compare-and-set conflicts with our own landed write; the renewer reads the key,
      // finds its own value and carries on from that revision.
      for (let i = 0; i < 4; i++) yield* advance(settings.renewEvery)
      assert.isTrue(Option.isNone(yield* Deferred.poll(held.lost)))
      assert.strictEqual(renewer.size(), 1)
    })
  )

  it.scoped("gives the lease up at once when another holder's revision is there", () =>
    Effect.gen(function* () {
      const b = bucket()
      const renewer = yield* LeaseRenewer.make(b.kv, settings)
      const held = yield* renewer.hold("conv.1", ours, b.write("conv.1", ours))
      b.write("conv.1", theirs)
      yield* advance(settings.renewEvery)
      const reason = yield* Deferred.await(held.lost)
      assert.include(reason, "another holder")
      assert.strictEqual(renewer.size(), 0)
    })
  )

  it.scoped(
    "keeps a lease through a bucket that does not answer, however long, and gives it up at the first answer naming another holder",
    () =>
      Effect.gen(function* () {
        const b = bucket()
        const renewer = yield* LeaseRenewer.make(b.kv, settings)
        const held = yield* renewer.hold("conv.1", ours, b.write("conv.1", ours))
        b.setMode("down")
        // A JetStream election far longer than the TTL: no answer, so nothing says another node holds it.
        for (let i = 0; i < 20; i++) yield* advance(settings.renewEvery)
        assert.isTrue(Option.isNone(yield* Deferred.poll(held.lost)))
        assert.strictEqual(renewer.size(), 1)
        // Meanwhile (say this node was the one cut off) another node took the key.
        b.write("conv.1", theirs)
        b.setMode("ok")
        yield* advance(settings.renewEvery)
        assert.include(yield* Deferred.await(held.lost), "another holder")
        assert.strictEqual(renewer.size(), 0)
      })
  )

  it.scoped("creates again a key that lapsed while the bucket did not answer, and renews from there", () =>
    Effect.gen(function* () {
      const b = bucket()
      const renewer = yield* LeaseRenewer.make(b.kv, settings)
      const held = yield* renewer.hold("conv.1", ours, b.write("conv.1", ours))
      b.setMode("down")
      yield* advance(settings.renewEvery)
      yield* advance(settings.renewEvery)
      b.lapse("conv.1")
      b.setMode("ok")
      yield* advance(settings.renewEvery)
      const recreated = yield* b.kv.get("conv.1")
      assert.isTrue(Option.isSome(recreated))
      assert.deepStrictEqual(
        Option.map(recreated, (e) => e.value),
        Option.some(ours)
      )
      const revision = Option.getOrThrow(recreated).revision
      yield* advance(settings.renewEvery)
      assert.strictEqual(b.updates.at(-1), revision, "the next renewal compares against the new key's revision")
      assert.isTrue(Option.isNone(yield* Deferred.poll(held.lost)))
    })
  )

  it.scoped("gives the lease up when another node created the lapsed key first", () =>
    Effect.gen(function* () {
      const b = bucket()
      const renewer = yield* LeaseRenewer.make(b.kv, settings)
      const held = yield* renewer.hold("conv.1", ours, b.write("conv.1", ours))
      b.lapse("conv.1")
      // The other node's create lands between our conflict and our read: the read shows its value.
      b.write("conv.1", theirs)
      yield* advance(settings.renewEvery)
      assert.include(yield* Deferred.await(held.lost), "another holder")
      assert.deepStrictEqual(
        Option.map(yield* b.kv.get("conv.1"), (e) => e.value),
        Option.some(theirs),
        "the other node's key is left alone"
      )
    })
  )

  it.scoped("release deletes the key at the revision it last wrote and stops renewing", () =>
    Effect.gen(function* () {
      const b = bucket()
      const renewer = yield* LeaseRenewer.make(b.kv, settings)
      const held = yield* renewer.hold("conv.1", ours, b.write("conv.1", ours))
      yield* advance(settings.renewEvery)
      yield* held.release
      assert.isTrue(Option.isNone(yield* b.kv.get("conv.1")))
      const renewals = b.updates.length
      yield* advance(settings.renewEvery * 3)
      assert.strictEqual(b.updates.length, renewals)
    })
  )
})
