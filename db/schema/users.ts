import { sql } from "drizzle-orm"
import { boolean, check, index, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core"
import { consumers, contacts } from "./customers.ts"

/** ServiceNow's role names, kept verbatim so the product text and the code say the same thing. */
export const roleName = pgEnum("role_name", [
  "sn_customerservice.consumer",
  "sn_customerservice.customer",
  "agent_workspace_user",
  "sn_customerservice_manager"
])

export const users = pgTable(
  "users",
  {
    id: uuid().primaryKey().defaultRandom(),
    login: text().notNull().unique(),
    email: text().notNull(),
    displayName: text().notNull(),
    /** argon2id PHC string; null for users who sign in only by API token. */
    passwordHash: text(),
    /** SHA-256 (hex) of the API token: tokens are random, so a fast hash suffices and allows lookup. */
    apiTokenHash: text().unique(),
    active: boolean().notNull().default(true),
    /** Portal customers are linked to the contact or consumer they act as. */
    contactId: uuid().references(() => contacts.id),
    consumerId: uuid().references(() => consumers.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index("users_email_idx").on(sql`lower(${t.email})`),
    check("users_at_most_one_customer", sql`num_nonnulls(${t.contactId}, ${t.consumerId}) <= 1`)
  ]
)

export const userRoles = pgTable(
  "user_roles",
  {
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: roleName().notNull()
  },
  (t) => [primaryKey({ columns: [t.userId, t.role] }), index("user_roles_role_idx").on(t.role)]
)

export type User = typeof users.$inferSelect
export type RoleName = (typeof roleName.enumValues)[number]
