import { and, desc, eq, gte, lt, or, type SQL, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { consumers, contacts } from "../schema/customers.ts"
import { type Interaction, type InteractionState, interactions } from "../schema/interactions.ts"
import { queues } from "../schema/queues.ts"
import { users } from "../schema/users.ts"
import { type CustomerRef, isCustomer } from "./CustomerRef.ts"
import { first, query } from "./internal/query.ts"

/**
 * Which interactions a caller may see (README.md, "Agents, managers and the API"): everything (managers), those assigned to one
 * agent, or those opened for one customer. A customer account with no contact or consumer sees none.
 */
export type Visibility =
  | { readonly kind: "all" }
  | { readonly kind: "assignedTo"; readonly agentId: string }
  | { readonly kind: "customer"; readonly customer: CustomerRef | undefined }

/** Position after the last row of a page: opening time at full (microsecond) precision, then id. */
export interface InteractionCursor {
  readonly openedAt: string
  readonly id: string
}

export interface InteractionListFilter {
  readonly type?: Interaction["type"]
  readonly subtype?: Interaction["subtype"]
  readonly state?: InteractionState
  readonly queueName?: string
  readonly agentId?: string
  /** A contact or consumer id. */
  readonly customerId?: string
  readonly openedFrom?: Date
  readonly openedBefore?: Date
  readonly after?: InteractionCursor
  readonly limit: number
}

export interface InteractionView extends Interaction {
  readonly queueName: string | null
  /** The linked contact's or consumer's name; null while the customer is not identified. */
  readonly customerName: string | null
  /** The assigned agent's display name. */
  readonly agentName: string | null
  /** `openedAt` in microseconds as PostgreSQL keeps it, for the next page's cursor. */
  readonly cursor: InteractionCursor
}

export interface InteractionPage {
  readonly items: ReadonlyArray<InteractionView>
  readonly next: InteractionCursor | undefined
}

const visible = (visibility: Visibility): SQL | undefined => {
  switch (visibility.kind) {
    case "all":
      return undefined
    case "assignedTo":
      return eq(interactions.assignedTo, visibility.agentId)
    case "customer":
      return visibility.customer === undefined ? sql`false` : isCustomer(interactions, visibility.customer)
  }
}

const openedAtText = sql<string>`to_char(${interactions.openedAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`

const customerName = sql<
  string | null
>`coalesce(${contacts.firstName} || ' ' || ${contacts.lastName}, ${consumers.firstName} || ' ' || ${consumers.lastName})`

const viewColumns = {
  interaction: interactions,
  queueName: queues.name,
  customerName,
  agentName: users.displayName,
  openedAtText
}

const toView = (row: {
  readonly interaction: Interaction
  readonly queueName: string | null
  readonly customerName: string | null
  readonly agentName: string | null
  readonly openedAtText: string
}): InteractionView => ({
  ...row.interaction,
  queueName: row.queueName,
  customerName: row.customerName,
  agentName: row.agentName,
  cursor: { openedAt: row.openedAtText, id: row.interaction.id }
})

/**
 * One page of interactions the caller may see, newest first, by keyset (opening time, id): a page
 * stays correct while new chats open, unlike an offset.
 */
export const listInteractionViews = (
  visibility: Visibility,
  filter: InteractionListFilter
): Effect.Effect<InteractionPage, DbError, Db> =>
  query("listInteractionViews", async (db) => {
    const conditions: Array<SQL | undefined> = [
      visible(visibility),
      filter.type === undefined ? undefined : eq(interactions.type, filter.type),
      filter.subtype === undefined ? undefined : eq(interactions.subtype, filter.subtype),
      filter.state === undefined ? undefined : eq(interactions.state, filter.state),
      filter.queueName === undefined ? undefined : eq(queues.name, filter.queueName),
      filter.agentId === undefined ? undefined : eq(interactions.assignedTo, filter.agentId),
      filter.customerId === undefined
        ? undefined
        : or(eq(interactions.contactId, filter.customerId), eq(interactions.consumerId, filter.customerId)),
      filter.openedFrom === undefined ? undefined : gte(interactions.openedAt, filter.openedFrom),
      filter.openedBefore === undefined ? undefined : lt(interactions.openedAt, filter.openedBefore),
      filter.after === undefined
        ? undefined
        : sql`(${interactions.openedAt}, ${interactions.id}) < (${filter.after.openedAt}::timestamptz, ${filter.after.id}::uuid)`
    ]
    const rows = await db
      .select(viewColumns)
      .from(interactions)
      .leftJoin(queues, eq(queues.id, interactions.queueId))
      .leftJoin(contacts, eq(contacts.id, interactions.contactId))
      .leftJoin(consumers, eq(consumers.id, interactions.consumerId))
      .leftJoin(users, eq(users.id, interactions.assignedTo))
      .where(and(...conditions))
      .orderBy(desc(interactions.openedAt), desc(interactions.id))
      .limit(filter.limit + 1)
    const items = rows.slice(0, filter.limit).map(toView)
    const last = items[items.length - 1]
    return { items, next: rows.length > filter.limit && last !== undefined ? last.cursor : undefined }
  })

/** One interaction, if the caller may see it: for anyone else it does not exist. */
export const findInteractionView = (
  id: string,
  visibility: Visibility
): Effect.Effect<InteractionView | undefined, DbError, Db> =>
  query("findInteractionView", async (db) => {
    const row = first(
      await db
        .select(viewColumns)
        .from(interactions)
        .leftJoin(queues, eq(queues.id, interactions.queueId))
        .leftJoin(contacts, eq(contacts.id, interactions.contactId))
        .leftJoin(consumers, eq(consumers.id, interactions.consumerId))
        .leftJoin(users, eq(users.id, interactions.assignedTo))
        .where(and(eq(interactions.id, id), visible(visibility)))
    )
    return row === undefined ? undefined : toView(row)
  })
