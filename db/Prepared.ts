import type { SQL } from "drizzle-orm"
import { PgDialect } from "drizzle-orm/pg-core"
import type { Database } from "./Db.ts"

/**
 * A statement on the hot path whose text drizzle builds once, when its module loads, from a `sql`
 * template with `sql.placeholder("name")` where its values go. Running it only fills the
 * placeholders and hands the text and values to the driver, through the session of the handle it
 * is given (the pool, or the transaction `Db.use` runs in), so it joins transactions like any
 * other query and works on postgres.js and PGlite alike.
 *
 * Why: drizzle's query builders rebuild the text on every call (entity checks, column casing,
 * chunk merging): 7–9 % of a loaded node's busy time went there (docs/performance.md, session 10).
 * postgres.js still caches each text as a named prepared statement per connection.
 */
export interface Prepared<Values extends Record<string, unknown>> {
  readonly text: string
  readonly run: (db: Database, values: Values) => Promise<ReadonlyArray<unknown>>
}

const dialect = new PgDialect({ casing: "snake_case" })

export const prepared = <Values extends Record<string, unknown>>(statement: SQL): Prepared<Values> => {
  const query = dialect.sqlToQuery(statement)
  return {
    text: query.sql,
    run: async (db, values) =>
      rowsOf(await db._.session.prepareQuery(query, undefined, undefined, false).execute(values))
  }
}

/** Rows of a raw result: postgres.js answers an array, PGlite `{ rows }`. */
export const rowsOf = (result: unknown): ReadonlyArray<unknown> =>
  Array.isArray(result)
    ? result
    : typeof result === "object" && result !== null && "rows" in result && Array.isArray(result.rows)
      ? result.rows
      : []
