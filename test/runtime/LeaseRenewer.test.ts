import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Option, TestClock } from "effect"
import { BusError, type Kv, KvConflict } from "../../runtime/Bus.ts"
import * as LeaseRenewer from "../../runtime/internal/leaseRenewer.ts"

/**
 * The node's lease renewer, against a bucket in memory whose writes the test can make fail, time
 * out after landing, or lose to another holder; time is the TestClock's.
 */

const settings = { renewEvery: 1_500, selfFenceAfter: 4_500 }
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
    create: (key, value) => Effect.sync(() => write(key, value)),
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

  it.scoped("rides out failed renewals shorter than the self-fence limit, and fences itself past it", () =>
    Effect.gen(function* () {
      const b = bucket()
      const renewer = yield* LeaseRenewer.make(b.kv, settings)
      const held = yield* renewer.hold("conv.1", ours, b.write("conv.1", ours))
      const lost = yield* Effect.fork(Deferred.await(held.lost))
      b.setMode("down")
      // A NATS election of 3 s: two renewals fail, the lease stays.
      yield* advance(1_500)
      yield* advance(1_500)
      assert.isTrue(Option.isNone(yield* Deferred.poll(held.lost)))
      b.setMode("ok")
      yield* advance(1_500)
      assert.isTrue(Option.isNone(yield* Deferred.poll(held.lost)))
      // Down for good: lost once no renewal was confirmed for 4.5 s, not earlier.
      b.setMode("down")
      yield* advance(1_500)
      yield* advance(1_500)
      assert.isTrue(Option.isNone(yield* Deferred.poll(held.lost)))
      yield* advance(1_500)
      yield* advance(1_500)
      assert.include(yield* Fiber.join(lost), "no renewal confirmed")
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
