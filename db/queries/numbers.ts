import { sql } from "drizzle-orm"
import type { PgSequence } from "drizzle-orm/pg-core"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import {
  caseNumberSeq,
  interactionNumberSeq,
  numberFrom,
  replacementOrderNumberSeq,
  requestNumberSeq
} from "../schema/numbers.ts"
import { query, single } from "./internal/query.ts"

/** Record prefixes: interactions, cases, catalog requests, card replacement orders. */
export type NumberPrefix = "IMS" | "CS" | "REQ" | "RPL"

const sequences: Record<NumberPrefix, PgSequence> = {
  IMS: interactionNumberSeq,
  CS: caseNumberSeq,
  REQ: requestNumberSeq,
  RPL: replacementOrderNumberSeq
}

/**
 * The next number for `prefix`, e.g. `IMS0001001`. Inserts take theirs from the column default;
 * this is for callers that must know the number before the row exists (e.g. to quote it to the customer).
 */
export const nextNumber = (prefix: NumberPrefix): Effect.Effect<string, DbError, Db> =>
  query(`nextNumber.${prefix}`, async (db) => {
    // A FROM-less select; drizzle's builder needs a source, and `execute` results differ per driver.
    const rows = await db
      .select({ number: sql<string>`${numberFrom(prefix, sequences[prefix])}` })
      .from(sql`(values (1)) as one (x)`)
    return single(rows).number
  })

/** `IMS` + 1001 → `IMS0001001`; the same shape the database produces. */
export const formatNumber = (prefix: NumberPrefix, value: number): string =>
  `${prefix}${String(value).padStart(7, "0")}`
