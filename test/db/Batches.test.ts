import { assert, layer } from "@effect/vitest"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import { type Batch, Db } from "../../db/Db.ts"
import { prepared } from "../../db/Prepared.ts"
import { appendMessage, hasAppleMessage, recordMessage, transcript } from "../../db/queries/messages.ts"
import { actorSnapshots } from "../../db/schema/runtime.ts"
import { dbLayers, newInteraction, snapshotsOf, unique } from "./support.ts"

/**
 * `Db.append` (db/Db.ts): inside a transaction a batch's rows wait and go out as one statement
 * before the transaction's next read, savepoint or commit; outside one each row is written at once.
 * A batch here is snapshot rows of one test kind, written by a statement built once (db/Prepared.ts),
 * with a log of the statements it sent.
 */
interface Row {
  readonly actorId: string
  readonly value: number
}

const insertRows = prepared<{ kind: string; rows: string }>(sql`
  insert into ${actorSnapshots} (kind, actor_id, state)
  select ${sql.placeholder("kind")}, r."actorId", jsonb_build_object('value', r.value)
  from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as r("actorId" text, value integer)`)

const batchOf = (kind: string) => {
  const sent: Array<ReadonlyArray<string>> = []
  const batch: Batch<Row> = {
    operation: "test.batch",
    write: (db, rows) => {
      sent.push(rows.map((r) => r.actorId))
      return insertRows.run(db, { kind, rows: JSON.stringify(rows) })
    }
  }
  return { batch, sent }
}

const append = (batch: Batch<Row>, actorId: string, value: number) =>
  Effect.flatMap(Db, (db) => db.append(batch, { actorId, value }))

for (const [name, dbLayer] of dbLayers()) {
  layer(dbLayer, { timeout: 60_000 })(`batched rows in a transaction (${name})`, (it) => {
    it.effect("rows wait until the next read, then go out as one statement the read sees", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("batch")
        const { batch, sent } = batchOf(kind)
        const seen = yield* db.transaction(
          Effect.gen(function* () {
            yield* append(batch, "a", 1)
            yield* append(batch, "b", 2)
            yield* append(batch, "c", 3)
            const before = sent.length
            const inside = yield* snapshotsOf(kind)
            return { before, inside: inside.map((r) => r.actorId) }
          })
        )
        assert.strictEqual(seen.before, 0)
        assert.deepStrictEqual(seen.inside, ["a", "b", "c"])
        assert.deepStrictEqual(sent, [["a", "b", "c"]])
      })
    )

    it.effect("rows appended last go out with the commit, in one statement", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("batch")
        const { batch, sent } = batchOf(kind)
        yield* db.transaction(
          Effect.gen(function* () {
            yield* append(batch, "a", 1)
            yield* snapshotsOf(kind)
            yield* append(batch, "b", 2)
            yield* append(batch, "c", 3)
          })
        )
        assert.deepStrictEqual(sent, [["a"], ["b", "c"]])
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

    it.effect("a body that fails sends nothing of its batch and commits nothing", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("batch")
        const { batch, sent } = batchOf(kind)
        const outcome = yield* db
          .transaction(Effect.zipRight(append(batch, "a", 1), Effect.fail("turn failed" as const)))
          .pipe(Effect.flip)
        assert.strictEqual(outcome, "turn failed")
        assert.deepStrictEqual(sent, [])
        assert.deepStrictEqual(yield* snapshotsOf(kind), [])
      })
    )

    it.effect("a batch whose statement fails fails the transaction under its operation, and nothing commits", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("batch")
        const { batch } = batchOf(kind)
        const outcome = yield* db
          .transaction(
            Effect.gen(function* () {
              yield* append(batch, "a", 1)
              yield* append(batch, "a", 2) // the primary key twice in one statement
            })
          )
          .pipe(Effect.flip)
        assert.strictEqual(outcome._tag, "DbError")
        if (outcome._tag === "DbError") assert.strictEqual(outcome.operation, "test.batch")
        assert.deepStrictEqual(yield* snapshotsOf(kind), [])
      })
    )

    it.effect("a savepoint starts after the rows before it, and its failure keeps them", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kind = unique("batch")
        const { batch, sent } = batchOf(kind)
        yield* db.transaction(
          Effect.gen(function* () {
            yield* append(batch, "a", 1)
            const inner = yield* db
              .transaction(Effect.zipRight(append(batch, "b", 2), Effect.fail("inner failed" as const)))
              .pipe(Effect.either)
            assert.strictEqual(inner._tag, "Left")
            yield* append(batch, "c", 3)
          })
        )
        assert.deepStrictEqual(sent, [["a"], ["c"]])
        assert.deepStrictEqual(
          (yield* snapshotsOf(kind)).map((r) => r.actorId),
          ["a", "c"]
        )
      })
    )

    it.effect("outside a transaction each row is written at once, alone", () =>
      Effect.gen(function* () {
        const kind = unique("batch")
        const { batch, sent } = batchOf(kind)
        yield* append(batch, "a", 1)
        assert.deepStrictEqual(sent, [["a"]])
        yield* append(batch, "b", 2)
        assert.deepStrictEqual(sent, [["a"], ["b"]])
        assert.deepStrictEqual(
          (yield* snapshotsOf(kind)).map((r) => r.actorId),
          ["a", "b"]
        )
      })
    )

    it.effect("transcript lines recorded in a turn keep their order, beside lines read back and lookups", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const interaction = yield* newInteraction()
        const ids = [unique("apple"), unique("apple"), unique("apple")]
        const line = (body: string, appleMessageId?: string) => ({
          interactionId: interaction.id,
          direction: "out" as const,
          authorKind: "bot" as const,
          kind: "text",
          body: { body },
          ...(appleMessageId === undefined ? {} : { appleMessageId })
        })
        const found = yield* db.transaction(
          Effect.gen(function* () {
            yield* recordMessage(line("one", ids[0]))
            yield* recordMessage(line("two"))
            // Read back: it must come after the two lines above.
            yield* appendMessage(line("three", ids[1]))
            yield* recordMessage(line("four", ids[2]))
            // A redelivered line (its Apple id again) is skipped, not an error.
            yield* recordMessage(line("one again", ids[0]))
            return yield* hasAppleMessage(ids[2] ?? "")
          })
        )
        assert.isTrue(found)
        const lines = yield* transcript(interaction.id)
        assert.deepStrictEqual(
          lines.map((l) => l.body),
          [{ body: "one" }, { body: "two" }, { body: "three" }, { body: "four" }]
        )
        assert.isFalse(yield* hasAppleMessage(unique("apple")))
      })
    )
  })
}
