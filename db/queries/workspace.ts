import { eq } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Offer, offers } from "../schema/awa.ts"
import { first, query } from "./internal/query.ts"

/** Lookups the Agent Workspace socket makes to check a command's ownership. */

export const findOffer = (id: string): Effect.Effect<Offer | undefined, DbError, Db> =>
  query("findOffer", async (db) => first(await db.select().from(offers).where(eq(offers.id, id))))

/**
 * Records that `agentId` handed this work item on (a transfer), as a refusal: the queue never
 * offers a chat back to the agent who just transferred it away.
 */
export const recordHandedOn = (workItemId: string, agentId: string): Effect.Effect<void, DbError, Db> =>
  query("recordHandedOn", async (db) => {
    const now = new Date()
    await db.insert(offers).values({
      workItemId,
      agentId,
      state: "rejected",
      reason: "transferred",
      offeredAt: now,
      expiresAt: now,
      respondedAt: now
    })
  })
