import { and, eq, isNull } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Case, cases } from "../schema/cases.ts"
import { first, query } from "./internal/query.ts"

/**
 * Ties a case an agent created during a chat to that interaction, unless it already belongs to
 * one; `undefined` when there is no such case or it belongs elsewhere.
 */
export const linkCaseToInteraction = (
  caseNumber: string,
  interactionId: string
): Effect.Effect<Case | undefined, DbError, Db> =>
  query("linkCaseToInteraction", async (db) => {
    const updated = first(
      await db
        .update(cases)
        .set({ interactionId, updatedAt: new Date() })
        .where(and(eq(cases.number, caseNumber), isNull(cases.interactionId)))
        .returning()
    )
    if (updated !== undefined) return updated
    const found = first(await db.select().from(cases).where(eq(cases.number, caseNumber)))
    return found?.interactionId === interactionId ? found : undefined
  })
