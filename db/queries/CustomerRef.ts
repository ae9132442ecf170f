import { eq, type SQL } from "drizzle-orm"
import type { PgColumn } from "drizzle-orm/pg-core"
import { Schema } from "effect"

/**
 * A customer is a contact (of an account) or a consumer; rows that belong to one carry two nullable
 * columns, `contact_id` and `consumer_id`, exactly one of them set. This is the value code passes around.
 */
export const CustomerRef = Schema.Union(
  Schema.Struct({ kind: Schema.Literal("contact"), id: Schema.UUID }),
  Schema.Struct({ kind: Schema.Literal("consumer"), id: Schema.UUID })
)
export type CustomerRef = typeof CustomerRef.Type

export const contactRef = (id: string): CustomerRef => ({ kind: "contact", id })
export const consumerRef = (id: string): CustomerRef => ({ kind: "consumer", id })

/** The two columns to write for `customer`. */
export const customerColumns = (
  customer: CustomerRef
): { readonly contactId: string | null; readonly consumerId: string | null } =>
  customer.kind === "contact"
    ? { contactId: customer.id, consumerId: null }
    : { contactId: null, consumerId: customer.id }

/** The customer a row points at, if any. */
export const customerOf = (row: {
  readonly contactId: string | null
  readonly consumerId: string | null
}): CustomerRef | undefined =>
  row.contactId !== null ? contactRef(row.contactId) : row.consumerId !== null ? consumerRef(row.consumerId) : undefined

/** `where` for rows of `customer` in a table with the two columns. */
export const isCustomer = (
  table: { readonly contactId: PgColumn; readonly consumerId: PgColumn },
  customer: CustomerRef
): SQL => (customer.kind === "contact" ? eq(table.contactId, customer.id) : eq(table.consumerId, customer.id))

/** Same customer? */
export const sameCustomer = (a: CustomerRef | undefined, b: CustomerRef | undefined): boolean =>
  a !== undefined && b !== undefined && a.kind === b.kind && a.id === b.id
