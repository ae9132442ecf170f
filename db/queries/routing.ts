import { and, eq, inArray, not, or, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Offer, offers, type WorkItem, workItems } from "../schema/awa.ts"
import { queues, type ServiceChannel } from "../schema/queues.ts"
import { first, query } from "./internal/query.ts"
import type { OfferOutcome } from "./workItems.ts"

/** Reasons that start with this mark an offer the agent could not take (full, not available): not held against them. */
export const declinedMark = "declined:"

export interface Settled {
  /** The offer, if it was still pending and is now settled. */
  readonly offer: Offer | undefined
  /** The work item, if it was still offered to that agent and moved (assigned, or back to queued). */
  readonly item: WorkItem | undefined
}

/**
 * Settles a pending offer, like `settleOffer`, but says which half happened: an offer whose work
 * item was meanwhile cancelled is recorded as rejected ("withdrawn"), never as accepted, so an
 * accepted offer always means an assignment.
 */
export const settlePendingOffer = (
  offerId: string,
  outcome: OfferOutcome,
  reason?: string
): Effect.Effect<Settled, DbError, Db> =>
  query("settlePendingOffer", (db) =>
    db.transaction(async (tx) => {
      const now = new Date()
      const offer = first(
        await tx
          .update(offers)
          .set({ state: outcome, reason: reason ?? null, respondedAt: now })
          .where(and(eq(offers.id, offerId), eq(offers.state, "offered")))
          .returning()
      )
      if (offer === undefined) return { offer: undefined, item: undefined }
      const back = { state: "queued" as const, offeredTo: null, offeredAt: null }
      const assign = { state: "assigned" as const, assignedTo: offer.agentId, assignedAt: now }
      const item = first(
        await tx
          .update(workItems)
          .set(outcome === "accepted" ? assign : back)
          .where(
            and(
              eq(workItems.id, offer.workItemId),
              eq(workItems.state, "offered"),
              eq(workItems.offeredTo, offer.agentId)
            )
          )
          .returning()
      )
      if (item === undefined && outcome === "accepted") {
        const withdrawn = first(
          await tx
            .update(offers)
            .set({ state: "rejected", reason: `${declinedMark} withdrawn` })
            .where(eq(offers.id, offerId))
            .returning()
        )
        return { offer: withdrawn, item: undefined }
      }
      return { offer, item }
    })
  )

/** Agents who rejected or let an offer of these items time out: the queue does not offer them the same item again. */
export const refusersOf = (
  workItemIds: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<{ readonly workItemId: string; readonly agentId: string }>, DbError, Db> =>
  workItemIds.length === 0
    ? query("refusersOf", () => Promise.resolve([]))
    : query("refusersOf", (db) =>
        db
          .selectDistinct({ workItemId: offers.workItemId, agentId: offers.agentId })
          .from(offers)
          .where(
            and(
              inArray(offers.workItemId, [...workItemIds]),
              or(
                eq(offers.state, "timed_out"),
                and(eq(offers.state, "rejected"), not(sql`coalesce(${offers.reason}, '') like ${`${declinedMark}%`}`))
              )
            )
          )
      )

export interface WaitingQueue {
  readonly name: string
  readonly routingConditions: unknown
}

/**
 * Queues on `channel` with work waiting, the one holding the most urgent item (priority, then
 * age) first: the order in which an agent who frees up should be offered work.
 */
export const queuesWithWaitingWork = (
  channel: ServiceChannel
): Effect.Effect<ReadonlyArray<WaitingQueue>, DbError, Db> =>
  query("queuesWithWaitingWork", (db) =>
    db
      .select({ name: queues.name, routingConditions: queues.routingConditions })
      .from(workItems)
      .innerJoin(queues, eq(queues.id, workItems.queueId))
      .where(and(eq(workItems.state, "queued"), eq(queues.channel, channel), eq(queues.active, true)))
      .groupBy(queues.id)
      .orderBy(sql`min(${workItems.priority})`, sql`min(${workItems.createdAt})`)
  )

/** Work assigned to an agent and not closed: what counts against capacity besides pending offers. */
export const assignedCountOf = (agentId: string): Effect.Effect<number, DbError, Db> =>
  query("assignedCountOf", async (db) => {
    const row = first(
      await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(workItems)
        .where(and(eq(workItems.state, "assigned"), eq(workItems.assignedTo, agentId)))
    )
    return row?.n ?? 0
  })

/**
 * Cancels work that is still waiting (queued or offered) — never work an agent already took. The
 * row lock makes a racing accept and this cancel exclusive: exactly one of them moves the item.
 */
export const cancelWaitingWorkItem = (id: string): Effect.Effect<WorkItem | undefined, DbError, Db> =>
  query("cancelWaitingWorkItem", async (db) =>
    first(
      await db
        .update(workItems)
        .set({ state: "cancelled", closedAt: new Date() })
        .where(and(eq(workItems.id, id), inArray(workItems.state, ["queued", "offered"])))
        .returning()
    )
  )

/** Closes work assigned to `agentId` (the agent finished it); `undefined` if it is not theirs or not open. */
export const completeWorkItem = (id: string, agentId: string): Effect.Effect<WorkItem | undefined, DbError, Db> =>
  query("completeWorkItem", async (db) =>
    first(
      await db
        .update(workItems)
        .set({ state: "closed", closedAt: new Date() })
        .where(and(eq(workItems.id, id), eq(workItems.state, "assigned"), eq(workItems.assignedTo, agentId)))
        .returning()
    )
  )
