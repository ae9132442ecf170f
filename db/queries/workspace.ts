import { eq } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Offer, offers } from "../schema/awa.ts"
import { first, query } from "./internal/query.ts"

/** Lookups the Agent Workspace socket makes to check a command's ownership. */

export const findOffer = (id: string): Effect.Effect<Offer | undefined, DbError, Db> =>
  query("findOffer", async (db) => first(await db.select().from(offers).where(eq(offers.id, id))))
