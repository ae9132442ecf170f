import { mkdirSync } from "node:fs"
import { resolve } from "node:path"
import { PGlite } from "@electric-sql/pglite"
import { drizzle } from "drizzle-orm/pglite"
import { Effect, Layer } from "effect"
import { Db, make } from "./Db.ts"
import { DbError } from "./DbError.ts"
import { migratePglite } from "./migrate.ts"
import * as schema from "./schema/index.ts"

/**
 * Embedded PostgreSQL (PGlite, WebAssembly) in `dir`, migrated on open. Lets
 * `npm start` run with Node alone. One connection, so throughput is a single session's.
 */
export const layer = (dir: string): Layer.Layer<Db, DbError> =>
  Layer.scoped(
    Db,
    Effect.gen(function* () {
      const path = resolve(dir)
      const client = yield* Effect.acquireRelease(
        Effect.tryPromise({
          try: async () => {
            mkdirSync(path, { recursive: true })
            const pg = await PGlite.create(path)
            await migratePglite(pg)
            return pg
          },
          catch: (e) => DbError.fromUnknown("open pglite", e)
        }),
        (pg) => Effect.promise(() => pg.close()).pipe(Effect.ignore)
      )
      const db = make(drizzle(client, { schema, casing: "snake_case" }), "pglite", `pglite ${path}`)
      yield* db.ping
      return db
    })
  )

/** A migrated empty database, made once per process and copied for every in-memory layer (migrating is slow). */
let template: Promise<Blob> | undefined
const migratedTemplate = (): Promise<Blob> => {
  template ??= (async () => {
    const pg = await PGlite.create()
    await migratePglite(pg)
    const dump = await pg.dumpDataDir("none")
    await pg.close()
    return dump
  })()
  return template
}

/** A throwaway in-memory database, for tests. */
export const layerMemory: Layer.Layer<Db, DbError> = Layer.scoped(
  Db,
  Effect.gen(function* () {
    const client = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: async () => PGlite.create({ loadDataDir: await migratedTemplate() }),
        catch: (e) => DbError.fromUnknown("open pglite", e)
      }),
      (pg) => Effect.promise(() => pg.close()).pipe(Effect.ignore)
    )
    const db = make(drizzle(client, { schema, casing: "snake_case" }), "pglite", "pglite memory://")
    yield* db.ping
    return db
  })
)
