import { and, desc, eq, or, type SQL, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { workItems } from "../schema/awa.ts"
import { type Case, type CaseState, cases } from "../schema/cases.ts"
import { interactions } from "../schema/interactions.ts"
import { type CustomerRef, isCustomer } from "./CustomerRef.ts"
import { first, query } from "./internal/query.ts"

/**
 * Which cases a caller may see (README.md, "Agents, managers and the API"), as ServiceNow's customer
 * service roles do: everything (managers); an agent's own — cases of customers they serve (a chat of
 * that customer is or was assigned to them) and cases they opened; or one customer's (a customer
 * account with no contact or consumer sees none).
 */
export type CaseVisibility =
  | { readonly kind: "all" }
  | { readonly kind: "servedBy"; readonly agentId: string }
  | { readonly kind: "customer"; readonly customer: CustomerRef | undefined }

export interface CaseListFilter {
  readonly state?: CaseState
  /** A contact or consumer id (staff filtering). */
  readonly customerId?: string
  readonly limit: number
  readonly offset: number
}

/**
 * The case's customer has an interaction that is assigned to the agent now, or whose work item was
 * assigned to them before (a transfer moves `interactions.assigned_to` on; the work item keeps who had it).
 */
const servedBy = (agentId: string): SQL =>
  sql`exists (
    select 1 from ${interactions}
    where (${interactions.contactId} = ${cases.contactId} or ${interactions.consumerId} = ${cases.consumerId})
      and (${interactions.assignedTo} = ${agentId}
        or exists (select 1 from ${workItems}
          where ${workItems.interactionId} = ${interactions.id} and ${workItems.assignedTo} = ${agentId})))`

const visible = (visibility: CaseVisibility): SQL | undefined => {
  switch (visibility.kind) {
    case "all":
      return undefined
    case "servedBy":
      return or(eq(cases.openedBy, visibility.agentId), servedBy(visibility.agentId))
    case "customer":
      return visibility.customer === undefined ? sql`false` : isCustomer(cases, visibility.customer)
  }
}

/** Cases newest first, one page, only those `visibility` allows; `more` says whether another page follows. */
export const listCases = (
  visibility: CaseVisibility,
  filter: CaseListFilter
): Effect.Effect<{ readonly items: ReadonlyArray<Case>; readonly more: boolean }, DbError, Db> =>
  query("listCases", async (db) => {
    const conditions: Array<SQL | undefined> = [
      visible(visibility),
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

/** One case, if `visibility` allows it; undefined both when it does not exist and when it is not the caller's. */
export const findVisibleCase = (id: string, visibility: CaseVisibility): Effect.Effect<Case | undefined, DbError, Db> =>
  query("findVisibleCase", async (db) =>
    first(
      await db
        .select()
        .from(cases)
        .where(and(eq(cases.id, id), visible(visibility)))
    )
  )
