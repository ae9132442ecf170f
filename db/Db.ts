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
   * A statement whose result nobody reads (an insert or update without `returning`). Outside a
   * transaction it is `use`. Inside one it is sent at once and not waited for: the transaction's
   * next `use` waits for it first, and the commit goes out right behind it, so a turn's closing
   * writes (transcript lines, snapshot, outbox) and its commit cost one round trip to PostgreSQL
   * instead of one each. A failed write fails the transaction, at its next `use` or at the end.
   */
  readonly write: (operation: string, f: (db: Database) => Promise<unknown>) => Effect.Effect<void, DbError>
  /**
   * Adds a row to `batch`. Inside a transaction the rows wait, and every row of a batch goes out as
   * one statement (`Batch.write`) just before the transaction's next `use`, savepoint or commit —
   * so the turns of a group commit write their transcript lines in one statement, in the order they
   * were added. Outside a transaction the row is written at once, alone.
   */
  readonly append: <Row>(batch: Batch<Row>, row: Row) => Effect.Effect<void, DbError>
  /**
   * Runs `effect` in one transaction: committed when it succeeds, rolled back when it fails or dies.
   * Nested calls become savepoints. The body is not interrupted half-way; interruption waits for it.
   */
  readonly transaction: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E | DbError, R>
  /** `select 1`, for `/readyz`. */
  readonly ping: Effect.Effect<void, DbError>
}

export class Db extends Context.Tag("parley/db/Db")<Db, DbShape>() {}

/** Rows that are written together (`DbShape.append`): one statement for all of them. */
export interface Batch<Row> {
  readonly operation: string
  readonly write: (db: Database, rows: ReadonlyArray<Row>) => Promise<unknown>
}

/** Statements and transactions sent, for `/metrics` (the benchmarks divide them by messages). */
const statements = Metric.counter("parley_db_statements_total", {
  description: "Database calls made through Db.use (each one statement)",
  incremental: true
})
const transactions = Metric.counter("parley_db_transactions_total", {
  description: "Transactions begun through Db.transaction (outermost only)",
  incremental: true
})

/**
 * A transaction in progress: its drizzle handle and the writes sent but not yet answered.
 *
 * Why waiting can be deferred: postgres.js runs a transaction's statements on one connection in
 * the order they were sent, and PostgreSQL aborts the whole transaction at the first failing
 * statement, so a later `commit` rolls back instead. The order holds because every statement
 * goes through the same drizzle and postgres.js path, which hands it to the connection a fixed
 * number of microtasks after it was started; a `use` still waits for the writes before it starts,
 * so a read always sees them.
 */
class OpenTransaction {
  private inFlight: Array<Promise<void>> = []
  private failure: DbError | undefined = undefined
  /** Rows appended and not yet sent, by batch, in the order the batches were first used. */
  private waiting: Map<Batch<never>, Array<never>> | undefined = undefined

  constructor(readonly db: Database) {}

  append<Row>(batch: Batch<Row>, row: Row): void {
    this.waiting ??= new Map()
    // The map only pairs each batch with its own rows.
    const key = batch as unknown as Batch<never>
    const rows = this.waiting.get(key)
    if (rows === undefined) this.waiting.set(key, [row as never])
    else rows.push(row as never)
  }

  /** Sends every waiting batch, one statement each (counted as sent). */
  flush(): void {
    const waiting = this.waiting
    if (waiting === undefined) return
    this.waiting = undefined
    for (const [batch, rows] of waiting) {
      statements.unsafeUpdate(1, [])
      this.send(batch.operation, (db) => batch.write(db, rows))
    }
  }

  send(operation: string, f: (db: Database) => Promise<unknown>): void {
    this.inFlight.push(
      f(this.db).then(
        () => undefined,
        (error: unknown) => {
          this.failure ??= DbError.fromUnknown(operation, error)
        }
      )
    )
  }

  /** Sends the waiting batches, then waits for every write sent so far; the first that failed, if any. */
  settle(): Promise<DbError | undefined> {
    this.flush()
    if (this.inFlight.length === 0) return Promise.resolve(this.failure)
    const waiting = this.inFlight
    this.inFlight = []
    return Promise.all(waiting).then(() => this.failure)
  }
}

const currentTransaction = FiberRef.unsafeMake<Option.Option<OpenTransaction>>(Option.none())

/** Carries a failed body's exit through drizzle's promise API so it can roll back and rethrow. */
class Rollback<A, E> {
  constructor(readonly exit: Exit.Exit<A, E>) {}
}

/** Builds the service over any drizzle PostgreSQL database (postgres.js or PGlite). */
export const make = (root: Database, kind: DbShape["kind"], describe: string): DbShape => {
  const use = <A>(operation: string, f: (db: Database) => Promise<A>): Effect.Effect<A, DbError> =>
    Effect.flatMap(FiberRef.get(currentTransaction), (tx) => {
      statements.unsafeUpdate(1, [])
      if (Option.isNone(tx)) {
        return Effect.tryPromise({ try: () => f(root), catch: (error) => DbError.fromUnknown(operation, error) })
      }
      const open = tx.value
      return Effect.flatMap(
        Effect.promise(() => open.settle()),
        (failed): Effect.Effect<A, DbError> =>
          failed !== undefined
            ? Effect.fail(failed)
            : Effect.tryPromise({ try: () => f(open.db), catch: (error) => DbError.fromUnknown(operation, error) })
      )
    })

  const write = (operation: string, f: (db: Database) => Promise<unknown>): Effect.Effect<void, DbError> =>
    Effect.flatMap(FiberRef.get(currentTransaction), (tx) => {
      if (Option.isNone(tx)) return Effect.asVoid(use(operation, f))
      statements.unsafeUpdate(1, [])
      return Effect.sync(() => tx.value.send(operation, f))
    })

  const append = <Row>(batch: Batch<Row>, row: Row): Effect.Effect<void, DbError> =>
    Effect.flatMap(FiberRef.get(currentTransaction), (tx) => {
      if (Option.isNone(tx)) return Effect.asVoid(use(batch.operation, (db) => batch.write(db, [row])))
      return Effect.sync(() => tx.value.append(batch, row))
    })

  /** Waits for the writes of `open`; fails with the first that failed. */
  const settled = (open: OpenTransaction) =>
    Effect.flatMap(
      Effect.promise(() => open.settle()),
      (failed) => (failed === undefined ? Effect.void : Effect.fail(failed))
    )

  const transaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DbError, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        const runtime = yield* Effect.runtime<R>()
        const joined = yield* FiberRef.get(currentTransaction)
        if (Option.isNone(joined)) transactions.unsafeUpdate(1, [])
        // A savepoint starts after the outer transaction's writes, so their failure is theirs.
        if (Option.isSome(joined)) yield* settled(joined.value)
        const outer = Option.match(joined, { onNone: () => root, onSome: (open) => open.db })
        let open: OpenTransaction | undefined
        const exit = yield* Effect.promise(() =>
          outer
            .transaction(async (tx) => {
              open = new OpenTransaction(tx)
              const body = Effect.locally(restore(effect), currentTransaction, Option.some(open))
              // postgres.js sends the commit right behind the last writes (see OpenTransaction);
              // a savepoint, and PGlite, wait for them first. Either way the waiting batches go first.
              const pipelined = Option.isNone(joined) && kind === "postgres"
              const current = open
              const inner = await Runtime.runPromiseExit(runtime)(
                pipelined
                  ? Effect.tap(body, () => Effect.sync(() => current.flush()))
                  : Effect.tap(body, () => settled(current))
              )
              if (Exit.isFailure(inner)) throw new Rollback(inner)
              return inner
            })
            .catch((error: unknown): Exit.Exit<A, E | DbError> => {
              if (error instanceof Rollback) return error.exit as Exit.Exit<A, E>
              return Exit.fail(DbError.fromUnknown("transaction", error))
            })
        )
        // A write that failed after the commit was sent made PostgreSQL roll back instead.
        if (Exit.isSuccess(exit) && open !== undefined) yield* settled(open)
        return yield* exit
      })
    )

  const ping = use("ping", (db) => db.execute("select 1")).pipe(Effect.asVoid)

  return { describe, kind, use, write, append, transaction, ping }
}
