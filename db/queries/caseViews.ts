import { and, desc, eq, or, type SQL } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Case, type CaseState, cases } from "../schema/cases.ts"
import { type CustomerRef, isCustomer } from "./CustomerRef.ts"
import { query } from "./internal/query.ts"

export interface CaseListFilter {
  /** Only this customer's cases (a customer listing their own). */
  readonly owner?: CustomerRef
  readonly state?: CaseState
  /** A contact or consumer id (staff filtering). */
  readonly customerId?: string
  readonly limit: number
  readonly offset: number
}

/** Cases newest first, one page; `more` says whether another page follows. */
export const listCases = (
  filter: CaseListFilter
): Effect.Effect<{ readonly items: ReadonlyArray<Case>; readonly more: boolean }, DbError, Db> =>
  query("listCases", async (db) => {
    const conditions: Array<SQL | undefined> = [
      filter.owner === undefined ? undefined : isCustomer(cases, filter.owner),
      filter.state === undefined ? undefined : eq(cases.state, filter.state),
      filter.customerId === undefined
        ? undefined
        : or(eq(cases.contactId, filter.customerId), eq(cases.consumerId, filter.customerId))
    ]
    const rows = await db
      .select()
      .from(cases)
      .where(and(...conditions))
      .orderBy(desc(cases.openedAt), desc(cases.number))
      .limit(filter.limit + 1)
      .offset(filter.offset)
    return { items: rows.slice(0, filter.limit), more: rows.length > filter.limit }
  })
