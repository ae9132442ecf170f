import { assert, layer } from "@effect/vitest"
import { and, eq } from "drizzle-orm"
import { Effect } from "effect"
import { Db } from "../../db/Db.ts"
import { actorSnapshots } from "../../db/schema/runtime.ts"
import { dbLayers, snapshotsOf, unique } from "./support.ts"

/**
 * `Db.write` inside a transaction sends a statement without waiting for it (db/Db.ts,
 * OpenTransaction): what a turn may count on is that a read sees the writes before it, and that a
 * write which fails — however late its answer comes — fails the whole transaction and commits
 * nothing of it.
 */
const snapshotWrite = (kind: string, actorId: string, value: number) =>
  Effect.flatMap(Db, (db) =>
    db.write("test.insert", (d) => d.insert(actorSnapshots).values({ kind, actorId, state: { value } }))
  )

for (const [name, dbLayer] of dbLayers()) {
  layer(dbLayer, { timeout: 60_000 })(`pipelined writes in a transaction (${name})`, (it) => {
    it.effect("a read inside the transaction sees the writes sent before it, and the commit keeps them", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("pipe")
        const seen = yield* db.transaction(
          Effect.gen(function* () {
            yield* snapshotWrite(kind, "a", 1)
            yield* snapshotWrite(kind, "b", 2)
            const inside = yield* snapshotsOf(kind)
            yield* snapshotWrite(kind, "c", 3)
            return inside.map((r) => r.actorId)
          })
        )
        assert.deepStrictEqual(seen, ["a", "b"])
        assert.deepStrictEqual(
          (yield* snapshotsOf(kind)).map((r) => [r.actorId, r.state]),
          [
            ["a", { value: 1 }],
            ["b", { value: 2 }],
            ["c", { value: 3 }]
          ]
        )
      })
    )

    it.effect("a failing write that is the transaction's last statement fails it, and nothing commits", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("pipe")
        const outcome = yield* db
          .transaction(
            Effect.gen(function* () {
              yield* snapshotWrite(kind, "a", 1)
              yield* snapshotWrite(kind, "a", 2) // the primary key again: a unique violation
            })
          )
          .pipe(Effect.flip)
        assert.strictEqual(outcome._tag, "DbError")
        if (outcome._tag === "DbError") {
          assert.strictEqual(outcome.operation, "test.insert")
          assert.isTrue(outcome.isUniqueViolation)
        }
        assert.deepStrictEqual(yield* snapshotsOf(kind), [])
      })
    )

    it.effect("a failing write fails the read after it with the write's error, and the body stops there", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("pipe")
        let after = false
        const outcome = yield* db
          .transaction(
            Effect.gen(function* () {
              yield* snapshotWrite(kind, "a", 1)
              yield* snapshotWrite(kind, "a", 2)
              yield* snapshotsOf(kind)
              after = true
            })
          )
          .pipe(Effect.flip)
        assert.strictEqual(outcome._tag, "DbError")
        if (outcome._tag === "DbError") assert.strictEqual(outcome.operation, "test.insert")
        assert.isFalse(after)
        assert.deepStrictEqual(yield* snapshotsOf(kind), [])
      })
    )

    it.effect("a savepoint's failed write rolls back the savepoint only", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("pipe")
        yield* db.transaction(
          Effect.gen(function* () {
            yield* snapshotWrite(kind, "a", 1)
            const inner = yield* db
              .transaction(Effect.zipRight(snapshotWrite(kind, "b", 2), snapshotWrite(kind, "b", 3)))
              .pipe(Effect.either)
            assert.strictEqual(inner._tag, "Left")
            yield* snapshotWrite(kind, "c", 3)
          })
        )
        assert.deepStrictEqual(
          (yield* snapshotsOf(kind)).map((r) => r.actorId),
          ["a", "c"]
        )
      })
    )

    it.effect("outside a transaction a write is waited for: its failure is its own", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("pipe")
        yield* snapshotWrite(kind, "a", 1)
        const again = yield* Effect.flip(snapshotWrite(kind, "a", 2))
        assert.isTrue(again.isUniqueViolation)
        const rows = yield* db.use("test.read", (d) =>
          d
            .select({ state: actorSnapshots.state })
            .from(actorSnapshots)
            .where(and(eq(actorSnapshots.kind, kind), eq(actorSnapshots.actorId, "a")))
        )
        assert.deepStrictEqual(rows, [{ state: { value: 1 } }])
      })
    )
  })
}
