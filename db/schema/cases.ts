import { sql } from "drizzle-orm"
import { check, date, index, pgEnum, pgTable, smallint, text, timestamp, uuid } from "drizzle-orm/pg-core"
import { assets, consumers, contacts } from "./customers.ts"
import { interactions } from "./interactions.ts"
import { caseNumberSeq, numberFrom, replacementOrderNumberSeq } from "./numbers.ts"
import { users } from "./users.ts"

export const caseState = pgEnum("case_state", ["new", "open", "resolved", "closed"])

export const cases = pgTable(
  "cases",
  {
    id: uuid().primaryKey().defaultRandom(),
    number: text().notNull().unique().default(numberFrom("CS", caseNumberSeq)),
    contactId: uuid().references(() => contacts.id),
    consumerId: uuid().references(() => consumers.id),
    assetId: uuid().references(() => assets.id),
    interactionId: uuid().references(() => interactions.id),
    /** The agent who opened it; null when the customer or the virtual agent did. */
    openedBy: uuid().references(() => users.id),
    shortDescription: text().notNull(),
    description: text().notNull().default(""),
    state: caseState().notNull().default("new"),
    /** 1 critical … 4 low, as in ServiceNow. */
    priority: smallint().notNull().default(4),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index("cases_contact_state_idx").on(t.contactId, t.state),
    index("cases_consumer_state_idx").on(t.consumerId, t.state),
    index("cases_state_opened_idx").on(t.state, t.openedAt),
    index("cases_interaction_idx").on(t.interactionId),
    check("cases_one_customer", sql`num_nonnulls(${t.contactId}, ${t.consumerId}) = 1`),
    check("cases_priority_range", sql`${t.priority} between 1 and 4`)
  ]
)

export const replacementReason = pgEnum("replacement_reason", ["lost", "stolen", "damaged"])
export const replacementOrderState = pgEnum("replacement_order_state", ["placed", "shipped", "delivered", "cancelled"])

/** A replacement card on its way: what the card-replacement topic records (story step 6). */
export const replacementOrders = pgTable(
  "replacement_orders",
  {
    id: uuid().primaryKey().defaultRandom(),
    number: text().notNull().unique().default(numberFrom("RPL", replacementOrderNumberSeq)),
    assetId: uuid()
      .notNull()
      .references(() => assets.id),
    interactionId: uuid().references(() => interactions.id),
    caseId: uuid().references(() => cases.id),
    reason: replacementReason().notNull(),
    dateLost: date({ mode: "string" }),
    deliveryAddress: text().notNull(),
    phone: text().notNull(),
    deliverySlotStart: timestamp({ withTimezone: true }),
    expectedFrom: date({ mode: "string" }).notNull(),
    expectedTo: date({ mode: "string" }).notNull(),
    state: replacementOrderState().notNull().default("placed"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index("replacement_orders_asset_idx").on(t.assetId),
    index("replacement_orders_interaction_idx").on(t.interactionId),
    check("replacement_orders_window", sql`${t.expectedFrom} <= ${t.expectedTo}`)
  ]
)

export type Case = typeof cases.$inferSelect
export type CaseState = (typeof caseState.enumValues)[number]
export type ReplacementOrder = typeof replacementOrders.$inferSelect
export type ReplacementReason = (typeof replacementReason.enumValues)[number]
