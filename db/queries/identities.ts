import { and, asc, eq } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type AppleIdentity, appleIdentities, type IdentityLinkMethod } from "../schema/customers.ts"
import { type CustomerRef, customerColumns, customerOf, isCustomer } from "./CustomerRef.ts"
import { first, query, single } from "./internal/query.ts"

export interface LinkedIdentity {
  readonly identity: AppleIdentity
  readonly customer: CustomerRef
}

const linked = (identity: AppleIdentity): LinkedIdentity | undefined => {
  const customer = customerOf(identity)
  return customer === undefined ? undefined : { identity, customer }
}

/** The customer behind an Apple opaque id (per business); undefined means "ask them to authenticate". */
export const findIdentity = (
  businessId: string,
  opaqueId: string
): Effect.Effect<LinkedIdentity | undefined, DbError, Db> =>
  query("findIdentity", async (db) => {
    const row = first(
      await db
        .select()
        .from(appleIdentities)
        .where(and(eq(appleIdentities.businessId, businessId), eq(appleIdentities.opaqueId, opaqueId)))
    )
    return row === undefined ? undefined : linked(row)
  })

export interface LinkIdentity {
  readonly businessId: string
  readonly opaqueId: string
  readonly customer: CustomerRef
  readonly method: IdentityLinkMethod
  /** The agent who linked it (method `agent`). */
  readonly linkedByUserId?: string
}

/**
 * Links an opaque id to a customer. Linking again re-points it (the customer authenticated as
 * someone else, or an agent corrected a mistake) and records how and when.
 */
export const linkIdentity = (input: LinkIdentity): Effect.Effect<LinkedIdentity, DbError, Db> =>
  query("linkIdentity", async (db) => {
    const values = {
      ...customerColumns(input.customer),
      linkedBy: input.method,
      linkedByUserId: input.linkedByUserId ?? null,
      linkedAt: new Date()
    }
    const row = single(
      await db
        .insert(appleIdentities)
        .values({ businessId: input.businessId, opaqueId: input.opaqueId, ...values })
        .onConflictDoUpdate({ target: [appleIdentities.businessId, appleIdentities.opaqueId], set: values })
        .returning()
    )
    return { identity: row, customer: input.customer }
  })

export const identitiesOf = (customer: CustomerRef): Effect.Effect<ReadonlyArray<AppleIdentity>, DbError, Db> =>
  query("identitiesOf", (db) =>
    db
      .select()
      .from(appleIdentities)
      .where(isCustomer(appleIdentities, customer))
      .orderBy(asc(appleIdentities.linkedAt))
  )

/** Forgets a link, e.g. when the customer deletes the conversation in Messages. */
export const unlinkIdentity = (businessId: string, opaqueId: string): Effect.Effect<boolean, DbError, Db> =>
  query("unlinkIdentity", async (db) => {
    const rows = await db
      .delete(appleIdentities)
      .where(and(eq(appleIdentities.businessId, businessId), eq(appleIdentities.opaqueId, opaqueId)))
      .returning({ id: appleIdentities.id })
    return rows.length > 0
  })
