import { Effect } from "effect"
import { type Database, Db } from "../../Db.ts"
import type { DbError } from "../../DbError.ts"

/**
 * One drizzle call through the `Db` service (joining the caller's transaction, if any), named
 * `operation` in errors. Every query module goes through here so errors look the same. No span:
 * `Effect.withSpan` captures a stack trace per call (about 13 µs measured here) and no tracer
 * exports spans (docs/performance.md, session 8).
 */
export const query = <A>(operation: string, f: (db: Database) => Promise<A>): Effect.Effect<A, DbError, Db> =>
  Effect.flatMap(Db, (db) => db.use(operation, f))

/**
 * A statement whose result nobody reads (no `returning`). Inside a transaction it goes out with the
 * transaction's other writes and its commit instead of costing a round trip of its own (`Db.write`).
 */
export const command = (operation: string, f: (db: Database) => Promise<unknown>): Effect.Effect<void, DbError, Db> =>
  Effect.flatMap(Db, (db) => db.write(operation, f))

/** The first row, if any: drizzle returns arrays even for single-row lookups. */
export const first = <A>(rows: ReadonlyArray<A>): A | undefined => rows[0]

/** Rows that `returning()` must produce; a missing one is a bug in the statement, not a data error. */
export const single = <A>(rows: ReadonlyArray<A>): A => {
  const row = rows[0]
  if (row === undefined) throw new Error("statement returned no row")
  return row
}

/** Runs `effect` in one transaction when the caller is not in one already (nested: a savepoint). */
export const inTransaction = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | DbError, R | Db> =>
  Effect.flatMap(Db, (db) => db.transaction(effect))
