import { and, asc, eq, gt, inArray, lte, not, or, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { agentChannels, agentSkills, type Offer, offers, type WorkItem, workItems } from "../schema/awa.ts"
import { queues, type ServiceChannel, skills } from "../schema/queues.ts"
import { users } from "../schema/users.ts"
import { first, query } from "./internal/query.ts"
import { atomically, type OfferOutcome } from "./workItems.ts"

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
    atomically(db, async (tx) => {
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

/** An offer the agent refused (rejected, or let time out), as opposed to one their actor declined for them. */
const refused = or(
  eq(offers.state, "timed_out"),
  and(eq(offers.state, "rejected"), not(sql`coalesce(${offers.reason}, '') like ${`${declinedMark}%`}`))
)

export interface WaitingItem {
  readonly id: string
  readonly interactionId: string
  /** Agents who refused this item: it is not offered to them again. */
  readonly refusedBy: ReadonlyArray<string>
}

/**
 * A queue's waiting work in the order it is offered (priority, then age), each item with the
 * agents who refused it: what one routing decision needs about the items, in one statement.
 */
export const waitingWithRefusals = (
  queueId: string,
  limit: number
): Effect.Effect<ReadonlyArray<WaitingItem>, DbError, Db> =>
  query("waitingWithRefusals", (db) =>
    db
      .select({
        id: workItems.id,
        interactionId: workItems.interactionId,
        // Written out: drizzle leaves columns unqualified in a one-table select, and `id` would
        // then name the offer. Comma-joined, since plain text reads the same from every driver.
        // Never null: drizzle hands a null past `mapWith` untouched.
        refusedBy: sql<string>`coalesce((
          select string_agg(distinct r.agent_id::text, ',') from offers r
          where r.work_item_id = "work_items"."id"
            and (r.state = 'timed_out' or (r.state = 'rejected' and coalesce(r.reason, '') not like ${`${declinedMark}%`}))
        ), '')`.mapWith((v: string): ReadonlyArray<string> => (v === "" ? [] : v.split(",")))
      })
      .from(workItems)
      .where(and(eq(workItems.queueId, queueId), eq(workItems.state, "queued")))
      .orderBy(asc(workItems.priority), asc(workItems.createdAt), asc(workItems.id))
      .limit(limit)
  )

export interface Candidate {
  readonly agentId: string
  /** Capacity less assigned work and pending offers. */
  readonly free: number
  /** Milliseconds since the epoch; null if never assigned. */
  readonly lastAssignedAt: number | null
}

/**
 * Agents who could take work now: available on `channel`, active, with a free slot and every
 * skill in `requiredSkills`. Each agent's load is two index look-ups (assigned work, pending
 * offers), so the cost follows the available agents, not the work items ever routed.
 */
export const routingCandidates = (options: {
  readonly channel: ServiceChannel
  readonly requiredSkills: ReadonlyArray<string>
}): Effect.Effect<ReadonlyArray<Candidate>, DbError, Db> =>
  query("routingCandidates", (db) => {
    const required = [...new Set(options.requiredSkills)]
    const skilled =
      required.length === 0
        ? undefined
        : sql`(
            select count(*) from ${agentSkills} inner join ${skills} on ${skills.id} = ${agentSkills.skillId}
            where ${agentSkills.agentId} = ${agentChannels.agentId} and ${inArray(skills.name, required)}
          ) = ${required.length}`
    const loads = db
      .select({
        agentId: agentChannels.agentId,
        free: sql<number>`(${agentChannels.capacity}
          - (select count(*) from ${workItems} where ${workItems.assignedTo} = ${agentChannels.agentId} and ${workItems.state} = 'assigned')
          - (select count(*) from ${offers} where ${offers.agentId} = ${agentChannels.agentId} and ${offers.state} = 'offered'))::int`.as(
          "free"
        ),
        lastAssignedAt: sql<number | null>`(
          select extract(epoch from max(${workItems.assignedAt})) * 1000 from ${workItems}
          where ${workItems.assignedTo} = ${agentChannels.agentId}
        )::float8`.as("last_assigned_ms")
      })
      .from(agentChannels)
      .innerJoin(users, eq(users.id, agentChannels.agentId))
      .where(
        and(
          eq(agentChannels.channel, options.channel),
          eq(agentChannels.presence, "available"),
          eq(users.active, true),
          skilled
        )
      )
      .as("loads")
    return db.select().from(loads).where(gt(loads.free, 0))
  })

export interface Expired {
  readonly offers: ReadonlyArray<{ readonly offerId: string; readonly workItemId: string; readonly agentId: string }>
  /** When the queue's next pending offer runs out, if one is pending. */
  readonly nextAt: Date | undefined
}

/**
 * Times out, in one statement, every pending offer of the queue's work past its accept limit: the
 * offers become `timed_out` and their items go back to `queued`. Offers are locked before items,
 * like `settlePendingOffer`, so the two cannot deadlock; whichever settles an offer first wins.
 */
export const expireOffers = (queueId: string, now: Date): Effect.Effect<Expired, DbError, Db> =>
  query("expireOffers", async (db) => {
    const inQueue = sql`exists (select 1 from ${workItems} where ${workItems.id} = ${offers.workItemId} and ${workItems.queueId} = ${queueId})`
    const expired = db.$with("expired").as(
      db
        .update(offers)
        .set({ state: "timed_out", respondedAt: now })
        .where(and(eq(offers.state, "offered"), lte(offers.expiresAt, now), inQueue))
        .returning({
          offerId: sql<string>`${offers.id}`.as("expired_id"),
          workItemId: sql<string>`${offers.workItemId}`.as("expired_item"),
          agentId: sql<string>`${offers.agentId}`.as("expired_agent")
        })
    )
    const back = db.$with("back").as(
      db
        .update(workItems)
        .set({ state: "queued", offeredTo: null, offeredAt: null })
        .from(expired)
        .where(
          and(
            sql`${workItems.id} = expired.expired_item`,
            eq(workItems.state, "offered"),
            sql`${workItems.offeredTo} = expired.expired_agent`
          )
        )
        .returning({ id: workItems.id })
    )
    // `back` is not read: PostgreSQL runs every data-modifying CTE to completion regardless.
    const rows = await db
      .with(expired, back)
      .select({
        offerId: expired.offerId,
        workItemId: expired.workItemId,
        agentId: expired.agentId
      })
      .from(expired)
    const next = await db
      .select({ at: sql<string | Date | null>`min(${offers.expiresAt})` })
      .from(offers)
      .where(and(eq(offers.state, "offered"), gt(offers.expiresAt, now), inQueue))
    const at = next[0]?.at
    return {
      offers: rows.map((r) => ({ offerId: r.offerId, workItemId: r.workItemId, agentId: r.agentId })),
      nextAt: at === null || at === undefined ? undefined : new Date(at)
    }
  })

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
          .where(and(inArray(offers.workItemId, [...workItemIds]), refused))
      )

export interface WaitingQueue {
  readonly name: string
  readonly routingConditions: unknown
}

/**
 * Queues on `channel` with work waiting, the one holding the most urgent item (priority, then
 * age) first: the order in which an agent who frees up should be offered work. Each queue's head
 * is one probe of its waiting index, so the cost follows the queues, not the items waiting.
 */
export const queuesWithWaitingWork = (
  channel: ServiceChannel
): Effect.Effect<ReadonlyArray<WaitingQueue>, DbError, Db> =>
  query("queuesWithWaitingWork", (db) => {
    // "queues"."id" written out: drizzle leaves columns unqualified inside a one-table subquery.
    const head = db
      .select({ priority: workItems.priority, createdAt: workItems.createdAt })
      .from(workItems)
      .where(and(sql`${workItems.queueId} = "queues"."id"`, eq(workItems.state, "queued")))
      .orderBy(asc(workItems.priority), asc(workItems.createdAt))
      .limit(1)
      .as("head")
    return db
      .select({ name: queues.name, routingConditions: queues.routingConditions })
      .from(queues)
      .innerJoinLateral(head, sql`true`)
      .where(and(eq(queues.channel, channel), eq(queues.active, true)))
      .orderBy(asc(head.priority), asc(head.createdAt), asc(queues.name))
  })

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
