import { asc, eq, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import {
  type Account,
  accounts,
  type Consumer,
  type Contact,
  type CustomerTier,
  consumers,
  contacts
} from "../schema/customers.ts"
import { type CustomerRef, consumerRef, contactRef } from "./CustomerRef.ts"
import { first, query, single } from "./internal/query.ts"

/** What the virtual agent and the agent's context panel show about a customer, whichever kind. */
export interface CustomerProfile {
  readonly ref: CustomerRef
  readonly firstName: string
  readonly lastName: string
  readonly email: string
  readonly phone: string | null
  readonly address: string | null
  readonly tier: CustomerTier
  /** The account, for contacts. */
  readonly account: { readonly id: string; readonly name: string } | null
}

export interface NewPerson {
  readonly firstName: string
  readonly lastName: string
  readonly email: string
  readonly phone?: string
  readonly address?: string
}

export const createAccount = (input: {
  readonly name: string
  readonly tier?: CustomerTier
}): Effect.Effect<Account, DbError, Db> =>
  query("createAccount", async (db) => single(await db.insert(accounts).values(input).returning()))

export const findAccountByName = (name: string): Effect.Effect<Account | undefined, DbError, Db> =>
  query("findAccountByName", async (db) => first(await db.select().from(accounts).where(eq(accounts.name, name))))

export const createContact = (accountId: string, input: NewPerson): Effect.Effect<Contact, DbError, Db> =>
  query("createContact", async (db) =>
    single(
      await db
        .insert(contacts)
        .values({ ...input, accountId })
        .returning()
    )
  )

export const createConsumer = (
  input: NewPerson & { readonly tier?: CustomerTier }
): Effect.Effect<Consumer, DbError, Db> =>
  query("createConsumer", async (db) => single(await db.insert(consumers).values(input).returning()))

export const findCustomer = (customer: CustomerRef): Effect.Effect<CustomerProfile | undefined, DbError, Db> =>
  query("findCustomer", async (db) => {
    if (customer.kind === "consumer") {
      const row = first(await db.select().from(consumers).where(eq(consumers.id, customer.id)))
      return row === undefined ? undefined : { ref: customer, ...person(row), tier: row.tier, account: null }
    }
    const row = first(
      await db
        .select({ contact: contacts, account: accounts })
        .from(contacts)
        .innerJoin(accounts, eq(accounts.id, contacts.accountId))
        .where(eq(contacts.id, customer.id))
    )
    return row === undefined
      ? undefined
      : {
          ref: customer,
          ...person(row.contact),
          tier: row.account.tier,
          account: { id: row.account.id, name: row.account.name }
        }
  })

/**
 * The customer an e-mail address belongs to, for authenticating a customer whose Apple opaque id is
 * not linked yet. Contacts win over consumers if, unusually, both share an address.
 */
export const findCustomerByEmail = (email: string): Effect.Effect<CustomerRef | undefined, DbError, Db> =>
  query("findCustomerByEmail", async (db) => {
    const normalized = email.trim().toLowerCase()
    const contact = first(
      await db
        .select({ id: contacts.id })
        .from(contacts)
        .where(eq(sql`lower(${contacts.email})`, normalized))
    )
    if (contact !== undefined) return contactRef(contact.id)
    const consumer = first(
      await db
        .select({ id: consumers.id })
        .from(consumers)
        .where(eq(sql`lower(${consumers.email})`, normalized))
    )
    return consumer === undefined ? undefined : consumerRef(consumer.id)
  })

export const contactsOfAccount = (accountId: string): Effect.Effect<ReadonlyArray<Contact>, DbError, Db> =>
  query("contactsOfAccount", (db) =>
    db
      .select()
      .from(contacts)
      .where(eq(contacts.accountId, accountId))
      .orderBy(asc(contacts.lastName), asc(contacts.firstName))
  )

/** Updates the contact details a customer gave in a form (e.g. a new delivery address). */
export const updateCustomerDetails = (
  customer: CustomerRef,
  details: { readonly phone?: string; readonly address?: string }
): Effect.Effect<void, DbError, Db> =>
  query("updateCustomerDetails", async (db) => {
    if (details.phone === undefined && details.address === undefined) return
    if (customer.kind === "contact") await db.update(contacts).set(details).where(eq(contacts.id, customer.id))
    else await db.update(consumers).set(details).where(eq(consumers.id, customer.id))
  })

const person = (row: Contact | Consumer) => ({
  firstName: row.firstName,
  lastName: row.lastName,
  email: row.email,
  phone: row.phone,
  address: row.address
})
