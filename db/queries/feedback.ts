import { desc, eq, gte } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Feedback, feedback, interactions } from "../schema/interactions.ts"
import { first, query, single } from "./internal/query.ts"

/** Records the customer's rating (1–5); answering again for the same interaction replaces it. */
export const recordFeedback = (input: {
  readonly interactionId: string
  readonly rating: number
  readonly comment?: string
}): Effect.Effect<Feedback, DbError, Db> =>
  query("recordFeedback", async (db) => {
    const values = { rating: input.rating, comment: input.comment ?? null, createdAt: new Date() }
    return single(
      await db
        .insert(feedback)
        .values({ interactionId: input.interactionId, ...values })
        .onConflictDoUpdate({ target: feedback.interactionId, set: values })
        .returning()
    )
  })

export const feedbackOf = (interactionId: string): Effect.Effect<Feedback | undefined, DbError, Db> =>
  query("feedbackOf", async (db) =>
    first(await db.select().from(feedback).where(eq(feedback.interactionId, interactionId)))
  )

export interface FeedbackRow extends Feedback {
  readonly interactionNumber: string
  readonly assignedTo: string | null
}

/** Recent feedback with the interaction's number and agent, for the manager's report. */
export const listFeedback = (
  options: { readonly since?: Date; readonly limit?: number } = {}
): Effect.Effect<ReadonlyArray<FeedbackRow>, DbError, Db> =>
  query("listFeedback", async (db) => {
    const rows = await db
      .select({ feedback, interactionNumber: interactions.number, assignedTo: interactions.assignedTo })
      .from(feedback)
      .innerJoin(interactions, eq(interactions.id, feedback.interactionId))
      .where(options.since === undefined ? undefined : gte(feedback.createdAt, options.since))
      .orderBy(desc(feedback.createdAt))
      .limit(Math.min(options.limit ?? 100, 1000))
    return rows.map((r) => ({ ...r.feedback, interactionNumber: r.interactionNumber, assignedTo: r.assignedTo }))
  })
