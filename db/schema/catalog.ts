import { sql } from "drizzle-orm"
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid
} from "drizzle-orm/pg-core"
import { consumers, contacts } from "./customers.ts"
import { interactions } from "./interactions.ts"
import { numberFrom, requestNumberSeq } from "./numbers.ts"

/** A choice the customer makes when ordering, e.g. card design or delivery speed. */
export interface CatalogOption {
  readonly name: string
  readonly label: string
  readonly choices: ReadonlyArray<string>
}

export const catalogItems = pgTable(
  "catalog_items",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Stable handle for links and seeds, e.g. `travel-notice`. */
    slug: text().notNull().unique(),
    name: text().notNull(),
    description: text().notNull(),
    category: text().notNull(),
    price: numeric({ precision: 10, scale: 2, mode: "number" }).notNull().default(0),
    currency: text().notNull().default("USD"),
    options: jsonb().$type<ReadonlyArray<CatalogOption>>().notNull().default([]),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index("catalog_items_category_idx").on(t.category), check("catalog_items_price", sql`${t.price} >= 0`)]
)

export const catalogRequestState = pgEnum("catalog_request_state", ["submitted", "approved", "fulfilled", "cancelled"])

export const catalogRequests = pgTable(
  "catalog_requests",
  {
    id: uuid().primaryKey().defaultRandom(),
    number: text().notNull().unique().default(numberFrom("REQ", requestNumberSeq)),
    itemId: uuid()
      .notNull()
      .references(() => catalogItems.id),
    quantity: integer().notNull().default(1),
    /** The chosen options (by option name) and any free-text notes. */
    details: jsonb().$type<Readonly<Record<string, string>>>().notNull().default({}),
    contactId: uuid().references(() => contacts.id),
    consumerId: uuid().references(() => consumers.id),
    interactionId: uuid().references(() => interactions.id),
    state: catalogRequestState().notNull().default("submitted"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index("catalog_requests_contact_idx").on(t.contactId, t.createdAt),
    index("catalog_requests_consumer_idx").on(t.consumerId, t.createdAt),
    index("catalog_requests_interaction_idx").on(t.interactionId),
    check("catalog_requests_one_customer", sql`num_nonnulls(${t.contactId}, ${t.consumerId}) = 1`),
    check("catalog_requests_quantity", sql`${t.quantity} between 1 and 100`)
  ]
)

export type CatalogItem = typeof catalogItems.$inferSelect
export type CatalogRequest = typeof catalogRequests.$inferSelect
export type CatalogRequestState = (typeof catalogRequestState.enumValues)[number]
