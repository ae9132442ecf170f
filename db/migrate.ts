import { fileURLToPath } from "node:url"
import type { PGlite } from "@electric-sql/pglite"
import { drizzle as drizzlePglite } from "drizzle-orm/pglite"
import { migrate as migratePgliteDb } from "drizzle-orm/pglite/migrator"
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js"
import { migrate as migratePostgresDb } from "drizzle-orm/postgres-js/migrator"
import postgres from "postgres"

/** The drizzle-kit output folder, committed with the code. */
export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url))

/**
 * Applies pending migrations over a separate single connection (drizzle's advice: DDL does not
 * share the pool) and closes it. Idempotent: applied migrations are recorded in `drizzle.__drizzle_migrations`.
 * Nodes of a cluster start together: a session advisory lock lets one migrate while the others
 * wait and then find nothing left to do (drizzle's migrator takes no lock of its own).
 */
export const migrateUrl = async (url: string): Promise<void> => {
  const client = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await client`select pg_advisory_lock(hashtext('parley.migrate'))`
    await migratePostgresDb(drizzlePostgres(client), { migrationsFolder })
    await client`select pg_advisory_unlock(hashtext('parley.migrate'))`
  } finally {
    await client.end()
  }
}

/** PGlite has one connection; migrations run on it before the pool-less `Db` is handed out. */
export const migratePglite = async (client: PGlite): Promise<void> => {
  await migratePgliteDb(drizzlePglite(client), { migrationsFolder })
}
