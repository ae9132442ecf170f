import { desc, eq } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type ReplacementOrder, type ReplacementReason, replacementOrders } from "../schema/cases.ts"
import { assets } from "../schema/customers.ts"
import { query, single } from "./internal/query.ts"

/** Cards arrive in 3–5 business days (the product text, step 6). */
export const deliveryBusinessDays = { from: 3, to: 5 } as const

/** `date` plus `days` business days (Saturday and Sunday skipped), as `YYYY-MM-DD` in UTC. */
export const addBusinessDays = (date: Date, days: number): string => {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()))
  let left = days
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1)
    const weekday = d.getUTCDay()
    if (weekday !== 0 && weekday !== 6) left--
  }
  return d.toISOString().slice(0, 10)
}

export interface NewReplacementOrder {
  readonly assetId: string
  readonly reason: ReplacementReason
  /** `YYYY-MM-DD`, when the customer says the card was lost or stolen. */
  readonly dateLost?: string
  readonly deliveryAddress: string
  readonly phone: string
  /** The delivery slot the customer picked; the arrival window counts from it (or from now). */
  readonly deliverySlotStart?: Date
  readonly interactionId?: string
  readonly caseId?: string
  readonly now?: Date
}

/**
 * Places the order and, for a lost or stolen card, blocks the old card in the same transaction,
 * so no one can use it while the replacement travels.
 */
export const placeReplacementOrder = (input: NewReplacementOrder): Effect.Effect<ReplacementOrder, DbError, Db> =>
  query("placeReplacementOrder", (db) =>
    db.transaction(async (tx) => {
      const start = input.deliverySlotStart ?? input.now ?? new Date()
      const order = single(
        await tx
          .insert(replacementOrders)
          .values({
            assetId: input.assetId,
            reason: input.reason,
            dateLost: input.dateLost ?? null,
            deliveryAddress: input.deliveryAddress,
            phone: input.phone,
            deliverySlotStart: input.deliverySlotStart ?? null,
            expectedFrom: addBusinessDays(start, deliveryBusinessDays.from),
            expectedTo: addBusinessDays(start, deliveryBusinessDays.to),
            interactionId: input.interactionId ?? null,
            caseId: input.caseId ?? null
          })
          .returning()
      )
      if (input.reason !== "damaged") {
        await tx.update(assets).set({ status: "blocked", updatedAt: new Date() }).where(eq(assets.id, input.assetId))
      }
      return order
    })
  )

export const replacementOrdersOfAsset = (
  assetId: string
): Effect.Effect<ReadonlyArray<ReplacementOrder>, DbError, Db> =>
  query("replacementOrdersOfAsset", (db) =>
    db
      .select()
      .from(replacementOrders)
      .where(eq(replacementOrders.assetId, assetId))
      .orderBy(desc(replacementOrders.createdAt))
  )

export const replacementOrdersOfInteraction = (
  interactionId: string
): Effect.Effect<ReadonlyArray<ReplacementOrder>, DbError, Db> =>
  query("replacementOrdersOfInteraction", (db) =>
    db
      .select()
      .from(replacementOrders)
      .where(eq(replacementOrders.interactionId, interactionId))
      .orderBy(desc(replacementOrders.createdAt))
  )
