import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core"

/**
 * A tiny key/value table the foundation uses to prove both database layers behave the same
 * (and that `/readyz` can write). Nothing in the product depends on its contents.
 */
export const probes = pgTable("probes", {
  key: text().primaryKey(),
  value: integer().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
})
