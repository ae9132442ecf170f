import { randomBytes } from "node:crypto"
import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import postgres from "postgres"
import { migrateUrl } from "../../db/migrate.ts"
import { databaseUrl } from "../support/TestEnv.ts"

/** Nodes of a cluster start at once: their migrations must not trip over each other. */
it.live("three nodes migrating one empty database at once all succeed, and it is migrated once", () =>
  Effect.acquireUseRelease(
    Effect.promise(async () => {
      const name = `parley_migrate_${randomBytes(4).toString("hex")}`
      const admin = postgres(databaseUrl(), { max: 1, onnotice: () => {} })
      await admin.unsafe(`create database ${name}`)
      await admin.end()
      const url = new URL(databaseUrl())
      url.pathname = `/${name}`
      return { name, url: url.toString() }
    }),
    ({ url }) =>
      Effect.promise(async () => {
        await Promise.all([migrateUrl(url), migrateUrl(url), migrateUrl(url)])
        const db = postgres(url, { max: 1, onnotice: () => {} })
        try {
          const applied = await db`select count(*)::int as n from drizzle.__drizzle_migrations`
          const journal = await import("../../db/migrations/meta/_journal.json", { with: { type: "json" } })
          assert.strictEqual(applied[0]?.n, journal.default.entries.length)
          const tables = await db`select count(*)::int as n from pg_tables where tablename = 'interactions'`
          assert.strictEqual(tables[0]?.n, 1)
        } finally {
          await db.end()
        }
      }),
    ({ name }) =>
      Effect.promise(async () => {
        const admin = postgres(databaseUrl(), { max: 1, onnotice: () => {} })
        await admin.unsafe(`drop database if exists ${name} with (force)`)
        await admin.end()
      })
  )
)
