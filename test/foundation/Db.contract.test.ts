import { assert, describe, it } from "@effect/vitest"
import { eq } from "drizzle-orm"
import { Effect, type Layer, Redacted } from "effect"
import { Db } from "../../db/Db.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import * as PostgresDb from "../../db/PostgresDb.ts"
import { probes } from "../../db/schema/probe.ts"
import { databaseUrl, uniquePrefix } from "../support/TestEnv.ts"

/** One repository contract, run on the embedded and the real PostgreSQL alike. */
const contract = (name: string, layer: () => Layer.Layer<Db, unknown>) =>
  describe(`Db on ${name}`, () => {
    const read = (key: string) =>
      Effect.flatMap(Db, (db) => db.use("read", (d) => d.select().from(probes).where(eq(probes.key, key))))

    it.live("inserts and selects", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const key = uniquePrefix("k")
        yield* db.use("insert", (d) => d.insert(probes).values({ key, value: 41 }))
        const rows = yield* read(key)
        assert.strictEqual(rows[0]?.value, 41)
      }).pipe(Effect.provide(layer()))
    )

    it.live("commits a successful transaction and rolls back a failed one", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const kept = uniquePrefix("k")
        const dropped = uniquePrefix("k")
        yield* db.transaction(db.use("insert", (d) => d.insert(probes).values({ key: kept, value: 1 })))
        const failed = yield* Effect.flip(
          db.transaction(
            Effect.zipRight(
              db.use("insert", (d) => d.insert(probes).values({ key: dropped, value: 2 })),
              Effect.fail("business rule broken" as const)
            )
          )
        )
        assert.strictEqual(failed, "business rule broken")
        assert.lengthOf(yield* read(kept), 1)
        assert.lengthOf(yield* read(dropped), 0)
      }).pipe(Effect.provide(layer()))
    )

    it.live("rolls back when the body dies", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const key = uniquePrefix("k")
        const exit = yield* Effect.exit(
          db.transaction(
            Effect.zipRight(
              db.use("insert", (d) => d.insert(probes).values({ key, value: 3 })),
              Effect.die(new Error("bug"))
            )
          )
        )
        assert.isTrue(exit._tag === "Failure")
        assert.lengthOf(yield* read(key), 0)
      }).pipe(Effect.provide(layer()))
    )

    it.live("maps a unique violation to DbError without the parameters", () =>
      Effect.gen(function* () {
        const db = yield* Db
        const key = `${uniquePrefix("k")}-jane.doe@example.com`
        yield* db.use("insert", (d) => d.insert(probes).values({ key, value: 1 }))
        const error = yield* Effect.flip(db.use("insert probe", (d) => d.insert(probes).values({ key, value: 2 })))
        assert.strictEqual(error._tag, "DbError")
        assert.isTrue(error.isUniqueViolation)
        assert.strictEqual(error.code, "23505")
        assert.strictEqual(error.operation, "insert probe")
        assert.notInclude(JSON.stringify(error), "jane.doe")
        assert.notInclude(error.message, "jane.doe")
      }).pipe(Effect.provide(layer()))
    )

    it.live("answers ping", () => Effect.flatMap(Db, (db) => db.ping).pipe(Effect.provide(layer())))
  })

contract("PGlite", () => PgliteDb.layerMemory)
contract("PostgreSQL", () => PostgresDb.layer(Redacted.make(databaseUrl()), 2))
