import { randomBytes } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, type Layer, Option, type Scope, Stream } from "effect"
import { ObjectStore, type ObjectStoreError } from "../../runtime/ObjectStore.ts"

export interface ObjectStoreContractOptions {
  /** Suite title, e.g. "MemoryObjectStore". */
  readonly name: string
  /** A store of its own for one test (a fresh bucket). */
  readonly layer: () => Layer.Layer<ObjectStore, ObjectStoreError, Scope.Scope>
}

const concat = (chunks: ReadonlyArray<Uint8Array>): Uint8Array => Buffer.concat(chunks.map((c) => Buffer.from(c)))

const read = (id: string) =>
  Effect.gen(function* () {
    const store = yield* ObjectStore
    const found = yield* store.get(id)
    if (Option.isNone(found)) return Option.none()
    const chunks = yield* Stream.runCollect(found.value.data)
    return Option.some({ info: found.value.info, chunks: Chunk.toReadonlyArray(chunks) })
  })

/** The behaviour every `ObjectStore` layer must share; each layer's test file calls this once. */
export const objectStoreContract = (options: ObjectStoreContractOptions): void => {
  const test = (name: string, body: Effect.Effect<void, unknown, ObjectStore | Scope.Scope>) =>
    it.live(name, () => body.pipe(Effect.provide(options.layer()), Effect.scoped), 30_000)

  describe(options.name, () => {
    test(
      "keeps the bytes, name and type and hands a large object back in several chunks",
      Effect.gen(function* () {
        const store = yield* ObjectStore
        // Over two of NATS's 128 KiB chunks, so a store that returns only the first chunk fails.
        const bytes = randomBytes(300_000)
        const stored = yield* store.put("a1", { name: "scan.pdf", contentType: "application/pdf" }, bytes)
        assert.deepStrictEqual(stored, { id: "a1", name: "scan.pdf", contentType: "application/pdf", size: 300_000 })
        assert.deepStrictEqual(yield* store.info("a1"), Option.some(stored))
        const got = Option.getOrThrow(yield* read("a1"))
        assert.deepStrictEqual(got.info, stored)
        assert.isAbove(got.chunks.length, 1)
        assert.isTrue(Buffer.from(concat(got.chunks)).equals(bytes))
      })
    )

    test(
      "an unknown id is none, not an error",
      Effect.gen(function* () {
        const store = yield* ObjectStore
        assert.isTrue(Option.isNone(yield* store.info("nobody")))
        assert.isTrue(Option.isNone(yield* read("nobody")))
        yield* store.remove("nobody")
      })
    )

    test(
      "a second put under the same id replaces the first, and remove forgets it",
      Effect.gen(function* () {
        const store = yield* ObjectStore
        yield* store.put("b1", { name: "one.txt", contentType: "text/plain" }, Buffer.from("first version"))
        yield* store.put("b1", { name: "two.txt", contentType: "text/plain" }, Buffer.from("second"))
        const got = Option.getOrThrow(yield* read("b1"))
        assert.strictEqual(got.info.name, "two.txt")
        assert.strictEqual(Buffer.from(concat(got.chunks)).toString(), "second")
        yield* store.remove("b1")
        assert.isTrue(Option.isNone(yield* store.info("b1")))
        assert.isTrue(Option.isNone(yield* read("b1")))
      })
    )

    test(
      "an empty file is kept as an object of size 0",
      Effect.gen(function* () {
        const store = yield* ObjectStore
        yield* store.put("c1", { name: "empty.txt", contentType: "text/plain" }, new Uint8Array(0))
        const got = Option.getOrThrow(yield* read("c1"))
        assert.strictEqual(got.info.size, 0)
        assert.strictEqual(concat(got.chunks).length, 0)
      })
    )

    test(
      "the caller's buffer may change after a put",
      Effect.gen(function* () {
        const store = yield* ObjectStore
        const bytes = Buffer.from("original")
        yield* store.put("d1", { name: "d.txt", contentType: "text/plain" }, bytes)
        bytes.fill(0)
        const got = Option.getOrThrow(yield* read("d1"))
        assert.strictEqual(Buffer.from(concat(got.chunks)).toString(), "original")
      })
    )
  })
}
