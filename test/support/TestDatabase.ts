import { randomBytes } from "node:crypto"
import { Effect, type Scope } from "effect"
import postgres from "postgres"
import { migrateUrl } from "../../db/migrate.ts"

const adminUrl = (): string => process.env.DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres"

/**
 * A migrated PostgreSQL database of the caller's own, dropped when the scope closes. For suites
 * that use fixed data (the demo customers) and so cannot share the run's database.
 */
export const freshDatabase = (label = "t"): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(async () => {
      const name = `parley_${label
        .replace(/[^a-z0-9]/gi, "")
        .toLowerCase()
        .slice(0, 12)}_${randomBytes(4).toString("hex")}`
      const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} })
      try {
        await admin.unsafe(`create database ${name}`)
      } finally {
        await admin.end()
      }
      const url = new URL(adminUrl())
      url.pathname = `/${name}`
      await migrateUrl(url.toString())
      return url.toString()
    }),
    (url) =>
      Effect.promise(async () => {
        const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} })
        try {
          await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`)
        } finally {
          await admin.end()
        }
      })
  )
