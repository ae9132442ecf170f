import { and, asc, eq, lte } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Callback, callbacks } from "../schema/awa.ts"
import { first, query, single } from "./internal/query.ts"

/** Books a call-back; `newInteractionId` is the follow-up interaction opened for it (state `new`). */
export const scheduleCallback = (input: {
  readonly interactionId: string
  readonly newInteractionId?: string
  readonly queueId: string
  readonly scheduledAt: Date
  readonly requestedBy?: string
  readonly note?: string
}): Effect.Effect<Callback, DbError, Db> =>
  query("scheduleCallback", async (db) =>
    single(
      await db
        .insert(callbacks)
        .values({
          interactionId: input.interactionId,
          newInteractionId: input.newInteractionId ?? null,
          queueId: input.queueId,
          scheduledAt: input.scheduledAt,
          requestedBy: input.requestedBy ?? null,
          note: input.note ?? null
        })
        .returning()
    )
  )

export const findCallback = (id: string): Effect.Effect<Callback | undefined, DbError, Db> =>
  query("findCallback", async (db) => first(await db.select().from(callbacks).where(eq(callbacks.id, id))))

/** Scheduled call-backs whose time has come, earliest first (re-armed after a restart). */
export const dueCallbacks = (
  now: Date = new Date(),
  limit = 100
): Effect.Effect<ReadonlyArray<Callback>, DbError, Db> =>
  query("dueCallbacks", (db) =>
    db
      .select()
      .from(callbacks)
      .where(and(eq(callbacks.state, "scheduled"), lte(callbacks.scheduledAt, now)))
      .orderBy(asc(callbacks.scheduledAt))
      .limit(limit)
  )

/**
 * Marks a call-back as opened with the interaction it created. Only a `scheduled` one moves, so a
 * timer firing twice opens one interaction: the second call gets `undefined`.
 */
export const markCallbackOpened = (
  id: string,
  newInteractionId: string
): Effect.Effect<Callback | undefined, DbError, Db> =>
  query("markCallbackOpened", async (db) =>
    first(
      await db
        .update(callbacks)
        .set({ state: "opened", newInteractionId })
        .where(and(eq(callbacks.id, id), eq(callbacks.state, "scheduled")))
        .returning()
    )
  )

export const setCallbackState = (
  id: string,
  state: "completed" | "cancelled"
): Effect.Effect<Callback | undefined, DbError, Db> =>
  query("setCallbackState", async (db) =>
    first(await db.update(callbacks).set({ state }).where(eq(callbacks.id, id)).returning())
  )

export const callbacksOf = (interactionId: string): Effect.Effect<ReadonlyArray<Callback>, DbError, Db> =>
  query("callbacksOf", (db) =>
    db.select().from(callbacks).where(eq(callbacks.interactionId, interactionId)).orderBy(asc(callbacks.scheduledAt))
  )
