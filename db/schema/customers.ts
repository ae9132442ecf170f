import { sql } from "drizzle-orm"
import { check, index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core"

/**
 * The people Parley serves. ServiceNow CSM keeps business customers (contacts of an account) apart
 * from individual consumers; every customer-owned row points at exactly one of the two.
 */

export const customerTier = pgEnum("customer_tier", ["standard", "gold", "platinum"])

export const accounts = pgTable("accounts", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  tier: customerTier().notNull().default("standard"),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})

export const contacts = pgTable(
  "contacts",
  {
    id: uuid().primaryKey().defaultRandom(),
    accountId: uuid()
      .notNull()
      .references(() => accounts.id),
    firstName: text().notNull(),
    lastName: text().notNull(),
    email: text().notNull(),
    phone: text(),
    /** Postal address as the customer writes it (several lines), prefilled into the replacement form. */
    address: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    // Authentication by e-mail looks customers up case-insensitively.
    uniqueIndex("contacts_email_idx").on(sql`lower(${t.email})`),
    index("contacts_account_idx").on(t.accountId)
  ]
)

export const consumers = pgTable(
  "consumers",
  {
    id: uuid().primaryKey().defaultRandom(),
    firstName: text().notNull(),
    lastName: text().notNull(),
    email: text().notNull(),
    phone: text(),
    address: text(),
    tier: customerTier().notNull().default("standard"),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [uniqueIndex("consumers_email_idx").on(sql`lower(${t.email})`)]
)

export const identityLinkMethod = pgEnum("identity_link_method", ["authentication", "agent", "seed"])

/** Apple's opaque id is per (Apple Account × business), so the pair is the key. */
export const appleIdentities = pgTable(
  "apple_identities",
  {
    id: uuid().primaryKey().defaultRandom(),
    businessId: text().notNull(),
    opaqueId: text().notNull(),
    contactId: uuid().references(() => contacts.id),
    consumerId: uuid().references(() => consumers.id),
    linkedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    linkedBy: identityLinkMethod().notNull(),
    /** The agent who linked it, when `linkedBy` is `agent`. */
    linkedByUserId: uuid()
  },
  (t) => [
    uniqueIndex("apple_identities_opaque_idx").on(t.businessId, t.opaqueId),
    index("apple_identities_contact_idx").on(t.contactId),
    index("apple_identities_consumer_idx").on(t.consumerId),
    check("apple_identities_one_customer", sql`num_nonnulls(${t.contactId}, ${t.consumerId}) = 1`)
  ]
)

export const assetType = pgEnum("asset_type", ["credit", "debit"])
export const assetStatus = pgEnum("asset_status", ["active", "blocked", "replaced"])

/** Cards a customer owns: what the card-replacement topic lists. Never the full card number. */
export const assets = pgTable(
  "assets",
  {
    id: uuid().primaryKey().defaultRandom(),
    type: assetType().notNull(),
    productName: text().notNull(),
    /** Display form only, e.g. `•••• 4821`. */
    maskedNumber: text().notNull(),
    status: assetStatus().notNull().default("active"),
    contactId: uuid().references(() => contacts.id),
    consumerId: uuid().references(() => consumers.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index("assets_contact_idx").on(t.contactId),
    index("assets_consumer_idx").on(t.consumerId),
    check("assets_one_owner", sql`num_nonnulls(${t.contactId}, ${t.consumerId}) = 1`)
  ]
)

export type Account = typeof accounts.$inferSelect
export type Contact = typeof contacts.$inferSelect
export type Consumer = typeof consumers.$inferSelect
export type AppleIdentity = typeof appleIdentities.$inferSelect
export type Asset = typeof assets.$inferSelect
export type CustomerTier = (typeof customerTier.enumValues)[number]
export type IdentityLinkMethod = (typeof identityLinkMethod.enumValues)[number]
export type AssetStatus = (typeof assetStatus.enumValues)[number]
