import { and, asc, eq, inArray, lte, sql } from "drizzle-orm"
import { PgTransaction } from "drizzle-orm/pg-core"
import type { Effect } from "effect"
import type { Database, Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Offer, offers, type WorkItem, type WorkItemState, workItems } from "../schema/awa.ts"
import { first, query, single } from "./internal/query.ts"

/**
 * Runs `f`'s statements atomically: inside the caller's transaction as they are (an actor's turn
 * already is one, and a savepoint would cost two more round trips), else in a transaction of their own.
 */
export const atomically = <A>(db: Database, f: (tx: Database) => Promise<A>): Promise<A> =>
  isTransaction(db) ? f(db) : db.transaction(f)

const isTransaction = (db: Database): boolean => db instanceof PgTransaction

export const openWorkItemStates: ReadonlyArray<WorkItemState> = ["queued", "offered", "assigned"]

/**
 * Queues an interaction. An interaction has at most one open work item (a partial unique index), so
 * queueing again returns the existing one instead of queueing the customer twice.
 */
export const enqueueWorkItem = (input: {
  readonly interactionId: string
  readonly queueId: string
  readonly priority?: number
}): Effect.Effect<WorkItem, DbError, Db> =>
  query("enqueueWorkItem", async (db) => {
    const created = first(
      await db
        .insert(workItems)
        .values({ interactionId: input.interactionId, queueId: input.queueId, priority: input.priority ?? 3 })
        .onConflictDoNothing()
        .returning()
    )
    if (created !== undefined) return created
    return single(
      await db
        .select()
        .from(workItems)
        .where(and(eq(workItems.interactionId, input.interactionId), inArray(workItems.state, [...openWorkItemStates])))
    )
  })

export const findWorkItem = (id: string): Effect.Effect<WorkItem | undefined, DbError, Db> =>
  query("findWorkItem", async (db) => first(await db.select().from(workItems).where(eq(workItems.id, id))))

export const openWorkItemOf = (interactionId: string): Effect.Effect<WorkItem | undefined, DbError, Db> =>
  query("openWorkItemOf", async (db) =>
    first(
      await db
        .select()
        .from(workItems)
        .where(and(eq(workItems.interactionId, interactionId), inArray(workItems.state, [...openWorkItemStates])))
    )
  )

/** Waiting work in the order it is offered: priority, then age. */
export const waitingWorkItems = (queueId: string, limit = 100): Effect.Effect<ReadonlyArray<WorkItem>, DbError, Db> =>
  query("waitingWorkItems", (db) =>
    db
      .select()
      .from(workItems)
      .where(and(eq(workItems.queueId, queueId), eq(workItems.state, "queued")))
      .orderBy(asc(workItems.priority), asc(workItems.createdAt), asc(workItems.id))
      .limit(limit)
  )

/** Work an agent holds (offered or assigned), oldest first. */
export const activeWorkOf = (agentId: string): Effect.Effect<ReadonlyArray<WorkItem>, DbError, Db> =>
  query("activeWorkOf", (db) =>
    db
      .select()
      .from(workItems)
      .where(
        sql`(${workItems.state} = 'assigned' and ${workItems.assignedTo} = ${agentId}) or (${workItems.state} = 'offered' and ${workItems.offeredTo} = ${agentId})`
      )
      .orderBy(asc(workItems.createdAt))
  )

/**
 * Offers queued work to an agent. Only a `queued` item can be offered, so two routers racing
 * for the same item cannot both succeed: the loser gets `undefined`.
 */
export const offerWorkItem = (
  workItemId: string,
  agentId: string,
  expiresAt: Date
): Effect.Effect<Offer | undefined, DbError, Db> =>
  query("offerWorkItem", (db) =>
    atomically(db, async (tx) => {
      const now = new Date()
      const claimed = await tx
        .update(workItems)
        .set({ state: "offered", offeredTo: agentId, offeredAt: now })
        .where(and(eq(workItems.id, workItemId), eq(workItems.state, "queued")))
        .returning({ id: workItems.id })
      if (claimed.length === 0) return undefined
      return single(await tx.insert(offers).values({ workItemId, agentId, offeredAt: now, expiresAt }).returning())
    })
  )

export interface Pick {
  readonly workItemId: string
  readonly agentId: string
}

/**
 * Offers several queued items at once, each to its agent, in one statement: the items still
 * `queued` move to `offered` and get their offer row; the others (taken meanwhile) are left out.
 */
export const offerWorkItems = (
  picks: ReadonlyArray<Pick>,
  expiresAt: Date,
  now: Date = new Date()
): Effect.Effect<ReadonlyArray<Offer>, DbError, Db> =>
  picks.length === 0
    ? query("offerWorkItems", () => Promise.resolve([]))
    : query("offerWorkItems", (db) => {
        const values = sql.join(
          picks.map((p) => sql`(${p.workItemId}::uuid, ${p.agentId}::uuid)`),
          sql`, `
        )
        const claimed = db.$with("claimed").as(
          db
            .update(workItems)
            .set({ state: "offered", offeredTo: sql`pick.agent_id`, offeredAt: now })
            .from(sql`(values ${values}) as pick(work_item_id, agent_id)`)
            .where(and(sql`${workItems.id} = pick.work_item_id`, eq(workItems.state, "queued")))
            .returning({
              workItemId: sql<string>`${workItems.id}`.as("claimed_id"),
              agentId: sql<string>`${workItems.offeredTo}`.as("claimed_agent")
            })
        )
        // An insert from a select lists every column, in the table's order.
        return db
          .with(claimed)
          .insert(offers)
          .select(
            sql`select gen_random_uuid(), claimed.claimed_id, claimed.claimed_agent, 'offered'::offer_state, null, ${now.toISOString()}::timestamptz, ${expiresAt.toISOString()}::timestamptz, null from claimed`
          )
          .returning()
      })

export type OfferOutcome = "accepted" | "rejected" | "timed_out"

/**
 * Settles a pending offer. Accepting assigns the work to the agent; rejecting or timing out puts it
 * back in the queue for the next agent. `undefined` if the offer was no longer pending.
 */
export const settleOffer = (
  offerId: string,
  outcome: OfferOutcome,
  reason?: string
): Effect.Effect<WorkItem | undefined, DbError, Db> =>
  query("settleOffer", (db) =>
    atomically(db, async (tx) => {
      const now = new Date()
      const offer = first(
        await tx
          .update(offers)
          .set({ state: outcome, reason: reason ?? null, respondedAt: now })
          .where(and(eq(offers.id, offerId), eq(offers.state, "offered")))
          .returning()
      )
      if (offer === undefined) return undefined
      const back = { state: "queued" as const, offeredTo: null, offeredAt: null }
      const assign = { state: "assigned" as const, assignedTo: offer.agentId, assignedAt: now }
      return first(
        await tx
          .update(workItems)
          .set(outcome === "accepted" ? assign : back)
          .where(and(eq(workItems.id, offer.workItemId), eq(workItems.state, "offered")))
          .returning()
      )
    })
  )

/** Pending offers past their deadline, for the timer that times them out after a restart. */
export const expiredOffers = (now: Date = new Date()): Effect.Effect<ReadonlyArray<Offer>, DbError, Db> =>
  query("expiredOffers", (db) =>
    db
      .select()
      .from(offers)
      .where(and(eq(offers.state, "offered"), lte(offers.expiresAt, now)))
      .orderBy(asc(offers.expiresAt))
  )

export const offersOf = (workItemId: string): Effect.Effect<ReadonlyArray<Offer>, DbError, Db> =>
  query("offersOf", (db) =>
    db.select().from(offers).where(eq(offers.workItemId, workItemId)).orderBy(asc(offers.offeredAt), asc(offers.id))
  )

/** Ends a work item (the chat closed, or the customer left the queue). */
export const closeWorkItem = (
  id: string,
  state: "closed" | "cancelled" = "closed"
): Effect.Effect<WorkItem | undefined, DbError, Db> =>
  query("closeWorkItem", async (db) =>
    first(
      await db
        .update(workItems)
        .set({ state, closedAt: new Date() })
        .where(and(eq(workItems.id, id), inArray(workItems.state, [...openWorkItemStates])))
        .returning()
    )
  )

/** Moves waiting work to another queue (overflow after the queue's maximum wait, or a transfer). */
export const moveWorkItem = (id: string, queueId: string): Effect.Effect<WorkItem | undefined, DbError, Db> =>
  query("moveWorkItem", async (db) =>
    first(
      await db
        .update(workItems)
        .set({ queueId, state: "queued", offeredTo: null, offeredAt: null, assignedTo: null, assignedAt: null })
        .where(and(eq(workItems.id, id), inArray(workItems.state, [...openWorkItemStates])))
        .returning()
    )
  )

export interface QueueStats {
  readonly waiting: number
  readonly oldestCreatedAt: Date | null
}

/** How many wait in a queue and since when, for the manager's queue view. */
export const queueStats = (queueId: string): Effect.Effect<QueueStats, DbError, Db> =>
  query("queueStats", async (db) => {
    const row = single(
      await db
        .select({
          waiting: sql<number>`count(*)`.mapWith(Number),
          oldest: sql<string | Date | null>`min(${workItems.createdAt})`
        })
        .from(workItems)
        .where(and(eq(workItems.queueId, queueId), eq(workItems.state, "queued")))
    )
    return { waiting: row.waiting, oldestCreatedAt: row.oldest === null ? null : new Date(row.oldest) }
  })

export interface PlaceInLine {
  /** 1 = next to be offered: items waiting ahead of it (higher priority, or same and older) + 1. */
  readonly position: number
  /** Mean time from queueing to an agent over the queue's last hour of assignments; null without any. */
  readonly recentWaitSeconds: number | null
}

/** Where a waiting work item stands in its queue, for the customer's "you're number N" message. */
export const placeInLine = (workItemId: string): Effect.Effect<PlaceInLine | undefined, DbError, Db> =>
  query("placeInLine", async (db) => {
    // Spelled out: drizzle drops the table name of columns in a single-table select, which would
    // make these subqueries uncorrelated.
    const row = first(
      await db
        .select({
          position: sql<number>`(select count(*) from work_items w
            where w.queue_id = work_items.queue_id and w.state in ('queued', 'offered')
              and (w.priority < work_items.priority
                or (w.priority = work_items.priority and w.created_at <= work_items.created_at)))`.mapWith(Number),
          recent: sql<number | null>`(select avg(extract(epoch from (w.assigned_at - w.created_at))) from work_items w
            where w.queue_id = work_items.queue_id and w.assigned_at > now() - interval '1 hour')`
        })
        .from(workItems)
        .where(eq(workItems.id, workItemId))
    )
    if (row === undefined) return undefined
    return {
      position: Math.max(1, row.position),
      recentWaitSeconds: row.recent === null ? null : Number(row.recent)
    }
  })
