import { assert } from "@effect/vitest"
import { Effect, Option } from "effect"
import type { ContractTest } from "./BusContractSupport.ts"
import { bytes, text } from "./BusContractSupport.ts"

export const kvTests = (test: ContractTest): void => {
  test("KV create, CAS update and delete refuse stale revisions", (ctx) =>
    Effect.gen(function* () {
      const kv = yield* ctx.bucket()
      const r1 = yield* kv.create("lease", bytes("node-a"))
      const taken = yield* Effect.flip(kv.create("lease", bytes("node-b")))
      assert.strictEqual(taken._tag, "KvConflict")
      const r2 = yield* kv.update("lease", bytes("node-a renewed"), r1)
      assert.isAbove(r2, r1)
      const stale = yield* Effect.flip(kv.update("lease", bytes("node-b"), r1))
      assert.strictEqual(stale._tag, "KvConflict")
      const current = Option.getOrThrow(yield* kv.get("lease"))
      assert.deepStrictEqual([current.revision, text(current.value)], [r2, "node-a renewed"])
      const staleDelete = yield* Effect.flip(kv.delete("lease", r1))
      assert.strictEqual(staleDelete._tag, "KvConflict")
      yield* kv.delete("lease", r2)
      assert.isTrue(Option.isNone(yield* kv.get("lease")))
      assert.deepStrictEqual(yield* kv.entries, [])
      const r3 = yield* kv.create("lease", bytes("node-b"))
      assert.isAbove(r3, r2)
      const r4 = yield* kv.put("other", bytes("x"))
      assert.isAbove(r4, r3)
      const entries = [...(yield* kv.entries)].sort((a, b) => a.key.localeCompare(b.key))
      assert.deepStrictEqual(
        entries.map((e) => [e.key, text(e.value), e.revision]),
        [
          ["lease", "node-b", r3],
          ["other", "x", r4]
        ]
      )
      assert.isTrue(Option.isNone(yield* kv.get("missing")))
    }))

  test("KV keys expire after the bucket ttl unless renewed; a later create gets a larger revision", (ctx) =>
    Effect.gen(function* () {
      const kv = yield* ctx.bucket({ ttl: "1500 millis" })
      const r1 = yield* kv.create("lease", bytes("node-a"))
      const k1 = yield* kv.create("kept", bytes("v"))
      yield* ctx.advance("800 millis")
      const k2 = yield* kv.update("kept", bytes("v renewed"), k1)
      yield* ctx.advance("1200 millis")
      assert.isTrue(Option.isNone(yield* kv.get("lease")))
      assert.strictEqual(Option.getOrThrow(yield* kv.get("kept")).revision, k2)
      const r2 = yield* kv.create("lease", bytes("node-b"))
      assert.isAbove(r2, r1)
      assert.isAbove(r2, k2)
    }))

  test("opening an existing bucket with a ttl applies it", (ctx) =>
    Effect.gen(function* () {
      const before = yield* ctx.bucket()
      yield* before.put("k", bytes("v"))
      const after = yield* ctx.bus.kv({ bucket: before.bucket, replicas: 1, ttl: "1 second" })
      yield* ctx.advance("2 seconds")
      assert.isTrue(Option.isNone(yield* after.get("k")))
    }))
}
