import { randomBytes } from "node:crypto"
import { Data, Effect, type Scope } from "effect"
import postgres from "postgres"

/** Creating, using or dropping a test schema failed. */
export class PgSchemaError extends Data.TaggedError("PgSchemaError")<{
  readonly operation: string
  readonly message: string
  readonly cause: unknown
}> {}

export interface IsolatedSchema {
  /** The schema name, first on the client's `search_path`. */
  readonly schema: string
  /** A postgres.js client whose unqualified table names resolve to this schema. */
  readonly sql: postgres.Sql
}

const attempt = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, PgSchemaError> =>
  Effect.tryPromise({
    try: f,
    catch: (cause) =>
      new PgSchemaError({
        operation,
        message: `${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause
      })
  })

/**
 * A schema of its own inside the per-run database, holding empty copies of `tables` (columns,
 * defaults, keys, indexes) from `public`; dropped with everything in it on scope close. Test files
 * of one run share the database, so this is what keeps two files writing the same row key apart.
 */
export const isolatedSchema = (
  databaseUrl: string,
  tables: ReadonlyArray<string>,
  label = "t"
): Effect.Effect<IsolatedSchema, PgSchemaError, Scope.Scope> =>
  Effect.gen(function* () {
    const schema = `${label
      .toLowerCase()
      .replace(/[^a-z0-9]/g, "")
      .slice(0, 16)}_${randomBytes(4).toString("hex")}`
    const admin = yield* Effect.acquireRelease(
      Effect.sync(() => postgres(databaseUrl, { max: 1, onnotice: () => {} })),
      (sql) => Effect.promise(() => sql.end({ timeout: 5 }))
    )
    yield* Effect.acquireRelease(
      attempt("create schema", async () => {
        await admin.unsafe(`create schema "${schema}"`)
        for (const table of tables) {
          await admin.unsafe(`create table "${schema}"."${table}" (like public."${table}" including all)`)
        }
      }),
      () => Effect.promise(() => admin.unsafe(`drop schema if exists "${schema}" cascade`).then(() => undefined))
    )
    const sql = yield* Effect.acquireRelease(
      Effect.sync(() =>
        postgres(databaseUrl, { max: 2, onnotice: () => {}, connection: { search_path: `"${schema}"` } })
      ),
      (client) => Effect.promise(() => client.end({ timeout: 5 }))
    )
    return { schema, sql }
  })
