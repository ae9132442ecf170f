import { randomBytes } from "node:crypto"
import { eq } from "drizzle-orm"
import { Effect, type Layer, Redacted } from "effect"
import { Db } from "../../db/Db.ts"
import type { DbError } from "../../db/DbError.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import * as PostgresDb from "../../db/PostgresDb.ts"
import { type CustomerRef, consumerRef, contactRef } from "../../db/queries/CustomerRef.ts"
import { createAccount, createConsumer, createContact } from "../../db/queries/customers.ts"
import { openInteraction } from "../../db/queries/interactions.ts"
import type { Interaction } from "../../db/schema/interactions.ts"
import { actorSnapshots } from "../../db/schema/runtime.ts"
import { databaseUrl } from "../support/TestEnv.ts"

/**
 * The database layers every query suite runs against. The PostgreSQL database is shared by all test
 * files of the run, so tests create their own rows with unique values and never count whole tables.
 */
export const dbLayers = (): ReadonlyArray<readonly [string, Layer.Layer<Db, DbError>]> => [
  ["pglite", PgliteDb.layerMemory],
  ["postgres", PostgresDb.layer(Redacted.make(databaseUrl()), 4)]
]

/** The snapshot rows of one (test) kind, by actor id: what a test of the runtime's writes reads back. */
export const snapshotsOf = (kind: string) =>
  Effect.flatMap(Db, (db) =>
    db.use("test.read", (d) =>
      d
        .select({ actorId: actorSnapshots.actorId, state: actorSnapshots.state })
        .from(actorSnapshots)
        .where(eq(actorSnapshots.kind, kind))
        .orderBy(actorSnapshots.actorId)
    )
  )

export const unique = (label: string): string => `${label}-${randomBytes(5).toString("hex")}`

export const newContact = (
  details: { readonly phone?: string; readonly address?: string } = {}
): Effect.Effect<CustomerRef, DbError, Db> =>
  Effect.gen(function* () {
    const account = yield* createAccount({ name: unique("Account") })
    const contact = yield* createContact(account.id, {
      firstName: "Test",
      lastName: unique("Contact"),
      email: `${unique("contact")}@example.test`,
      ...details
    })
    return contactRef(contact.id)
  })

export const newConsumer = (): Effect.Effect<CustomerRef, DbError, Db> =>
  Effect.map(
    createConsumer({ firstName: "Test", lastName: unique("Consumer"), email: `${unique("consumer")}@example.test` }),
    (c) => consumerRef(c.id)
  )

export const newInteraction = (
  customer?: CustomerRef,
  extra: { readonly queueId?: string; readonly parentId?: string } = {}
): Effect.Effect<Interaction, DbError, Db> => {
  const opaqueId = `urn:mbid:${unique("opaque")}`
  return openInteraction({
    conversationId: `biz-test.${opaqueId}`,
    businessId: "biz-test",
    opaqueId,
    capabilities: ["LIST", "TIME", "FORM", "QUICK"],
    locale: "en_US",
    ...(customer === undefined ? {} : { customer }),
    ...extra
  })
}
