import type { ExtractTablesWithRelations } from "drizzle-orm"
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core"
import { Context, Effect, Exit, FiberRef, Metric, Option, Runtime } from "effect"
import { DbError } from "./DbError.ts"
import type * as schema from "./schema/index.ts"

export type Schema = typeof schema
/** A drizzle handle: the pool, or the transaction the current fiber runs in. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>
export type Transaction = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>

export interface DbShape {
  /** Where the data lives, for logs: host/database or the PGlite folder. */
  readonly describe: string
  readonly kind: "postgres" | "pglite"
  /** Runs one drizzle call; inside `transaction` it joins that transaction. */
  readonly use: <A>(operation: string, f: (db: Database) => Promise<A>) => Effect.Effect<A, DbError>
  /**
   * Runs `effect` in one transaction: committed when it succeeds, rolled back when it fails or dies.
   * Nested calls become savepoints. The body is not interrupted half-way; interruption waits for it.
   */
  readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DbError, R>
  /** `select 1`, for `/readyz`. */
  readonly ping: Effect.Effect<void, DbError>
}

export class Db extends Context.Tag("parley/db/Db")<Db, DbShape>() {}

/** Statements and transactions sent, for `/metrics` (the benchmarks divide them by messages). */
const statements = Metric.counter("parley_db_statements_total", {
  description: "Database calls made through Db.use (each one statement)",
  incremental: true
})
const transactions = Metric.counter("parley_db_transactions_total", {
  description: "Transactions begun through Db.transaction (outermost only)",
  incremental: true
})

const currentTransaction = FiberRef.unsafeMake<Option.Option<Database>>(Option.none())

/** Carries a failed body's exit through drizzle's promise API so it can roll back and rethrow. */
class Rollback<A, E> {
  constructor(readonly exit: Exit.Exit<A, E>) {}
}

/** Builds the service over any drizzle PostgreSQL database (postgres.js or PGlite). */
export const make = (root: Database, kind: DbShape["kind"], describe: string): DbShape => {
  const use = <A>(operation: string, f: (db: Database) => Promise<A>): Effect.Effect<A, DbError> =>
    Effect.flatMap(FiberRef.get(currentTransaction), (tx) => {
      statements.unsafeUpdate(1, [])
      return Effect.tryPromise({
        try: () => f(Option.getOrElse(tx, () => root)),
        catch: (error) => DbError.fromUnknown(operation, error)
      })
    })

  const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DbError, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        const runtime = yield* Effect.runtime<R>()
        const joined = yield* FiberRef.get(currentTransaction)
        if (Option.isNone(joined)) transactions.unsafeUpdate(1, [])
        const outer = Option.getOrElse(joined, () => root)
        const exit = yield* Effect.promise(() =>
          outer
            .transaction(async (tx) => {
              const inner = await Runtime.runPromiseExit(runtime)(
                Effect.locally(restore(effect), currentTransaction, Option.some<Database>(tx))
              )
              if (Exit.isFailure(inner)) throw new Rollback(inner)
              return inner
            })
            .catch((error: unknown): Exit.Exit<A, E | DbError> => {
              if (error instanceof Rollback) return error.exit as Exit.Exit<A, E>
              return Exit.fail(DbError.fromUnknown("transaction", error))
            })
        )
        return yield* exit
      })
    )

  const ping = use("ping", (db) => db.execute("select 1")).pipe(Effect.asVoid)

  return { describe, kind, use, transaction, ping }
}
