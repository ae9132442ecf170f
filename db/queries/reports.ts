import { and, asc, desc, eq, gte, inArray, lt, type SQL, sql } from "drizzle-orm"
import { alias } from "drizzle-orm/pg-core"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type AgentChannel, agentChannels, workItems } from "../schema/awa.ts"
import { feedback, interactions } from "../schema/interactions.ts"
import { queues, type ServiceChannel } from "../schema/queues.ts"
import { userRoles, users } from "../schema/users.ts"
import { query } from "./internal/query.ts"

/** Manager and agent reports, read straight from the routing tables (the queue actors write them). */

export interface QueueStats {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly channel: ServiceChannel
  /** Work not yet taken by an agent: queued, or offered and not yet accepted. */
  readonly waiting: number
  readonly offered: number
  /** Seconds the longest-waiting of those has waited; null when none waits. */
  readonly oldestWaitSeconds: number | null
  /** Agents available on the queue's channel who hold every mandatory skill, whatever their load. */
  readonly agentsAvailable: number
  /** Of those, agents with a free slot. */
  readonly agentsWithCapacity: number
}

// Drizzle leaves columns unqualified in the select list of a one-table query, so the correlated
// subqueries below name their tables and columns themselves.
const waiting = (states: string) =>
  sql.raw(`(
  select count(*) from work_items w where w.queue_id = queues.id and w.state in (${states})
)`)

const oldestWait = sql.raw(`(
  select floor(extract(epoch from now() - min(w.created_at)))::int from work_items w
  where w.queue_id = queues.id and w.state in ('queued', 'offered')
)`)

// Available on the queue's channel, active, and no mandatory skill of the queue missing.
const availableFor = (extra: string) =>
  sql.raw(`(
  select count(*) from agent_channels ac inner join users u on u.id = ac.agent_id
  where ac.channel = queues.channel and ac.presence = 'available' and u.active
    and not exists (
      select 1 from jsonb_array_elements_text(coalesce(queues.routing_conditions -> 'requiredSkills', '[]'::jsonb)) as needed(name)
      where not exists (
        select 1 from agent_skills s inner join skills k on k.id = s.skill_id
        where s.agent_id = ac.agent_id and k.name = needed.name
      )
    )
    ${extra}
)`)

const withFreeSlot = `and (
  select count(*) from work_items w
  where (w.state = 'assigned' and w.assigned_to = ac.agent_id) or (w.state = 'offered' and w.offered_to = ac.agent_id)
) < ac.capacity`

const count = (raw: SQL) => sql<number>`${raw}`.mapWith(Number)

export const queueStats = (): Effect.Effect<ReadonlyArray<QueueStats>, DbError, Db> =>
  query("queueStats", (db) =>
    db
      .select({
        id: queues.id,
        name: queues.name,
        description: queues.description,
        channel: queues.channel,
        waiting: count(waiting("'queued', 'offered'")),
        offered: count(waiting("'offered'")),
        oldestWaitSeconds: sql<number | null>`${oldestWait}`.mapWith((v: string | number | null) =>
          v === null ? null : Number(v)
        ),
        agentsAvailable: count(availableFor("")),
        agentsWithCapacity: count(availableFor(withFreeSlot))
      })
      .from(queues)
      .where(eq(queues.active, true))
      .orderBy(asc(queues.routingOrder), asc(queues.name))
  )

export interface AgentStatus {
  readonly id: string
  readonly login: string
  readonly displayName: string
  /** Work items the agent holds (accepted, not yet closed). */
  readonly assigned: number
  /** Offers waiting for the agent's answer. */
  readonly offered: number
  readonly channels: ReadonlyArray<AgentChannel>
}

/** Every active agent (managers who also work chats included), by name. */
export const agentBoard = (): Effect.Effect<ReadonlyArray<AgentStatus>, DbError, Db> =>
  query("agentBoard", async (db) => {
    const agents = await db
      .select({
        id: users.id,
        login: users.login,
        displayName: users.displayName,
        assigned:
          sql<number>`(select count(*) from ${workItems} where ${workItems.state} = 'assigned' and ${workItems.assignedTo} = ${users.id})`.mapWith(
            Number
          ),
        offered:
          sql<number>`(select count(*) from ${workItems} where ${workItems.state} = 'offered' and ${workItems.offeredTo} = ${users.id})`.mapWith(
            Number
          )
      })
      .from(users)
      .innerJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, "agent_workspace_user")))
      .where(eq(users.active, true))
      .orderBy(asc(users.displayName), asc(users.id))
    if (agents.length === 0) return []
    const channels = await db
      .select()
      .from(agentChannels)
      .where(
        inArray(
          agentChannels.agentId,
          agents.map((a) => a.id)
        )
      )
      .orderBy(asc(agentChannels.channel))
    return agents.map((a) => ({ ...a, channels: channels.filter((c) => c.agentId === a.id) }))
  })

export interface FeedbackEntry {
  readonly id: string
  readonly interactionId: string
  readonly interactionNumber: string
  readonly rating: number
  readonly comment: string | null
  readonly createdAt: Date
  readonly queueId: string | null
  readonly queueName: string | null
  readonly agentId: string | null
  readonly agentName: string | null
}

export interface FeedbackWindow {
  readonly from?: Date
  readonly before?: Date
}

const inWindow = (window: FeedbackWindow): SQL | undefined =>
  and(
    window.from === undefined ? undefined : gte(feedback.createdAt, window.from),
    window.before === undefined ? undefined : lt(feedback.createdAt, window.before)
  )

const agent = alias(users, "agent")

/** Feedback newest first, one page, with the interaction's queue and agent. */
export const feedbackPage = (
  options: FeedbackWindow & { readonly limit: number; readonly offset: number }
): Effect.Effect<{ readonly items: ReadonlyArray<FeedbackEntry>; readonly more: boolean }, DbError, Db> =>
  query("feedbackPage", async (db) => {
    const rows = await db
      .select({
        id: feedback.id,
        interactionId: feedback.interactionId,
        interactionNumber: interactions.number,
        rating: feedback.rating,
        comment: feedback.comment,
        createdAt: feedback.createdAt,
        queueId: interactions.queueId,
        queueName: queues.name,
        agentId: interactions.assignedTo,
        agentName: agent.displayName
      })
      .from(feedback)
      .innerJoin(interactions, eq(interactions.id, feedback.interactionId))
      .leftJoin(queues, eq(queues.id, interactions.queueId))
      .leftJoin(agent, eq(agent.id, interactions.assignedTo))
      .where(inWindow(options))
      .orderBy(desc(feedback.createdAt), desc(feedback.id))
      .limit(options.limit + 1)
      .offset(options.offset)
    return { items: rows.slice(0, options.limit), more: rows.length > options.limit }
  })

export interface RatingGroup {
  /** The queue or agent id; null groups interactions that had none (e.g. the bot alone answered). */
  readonly id: string | null
  readonly name: string | null
  readonly count: number
  readonly average: number
}

export interface FeedbackSummary {
  readonly overall: { readonly count: number; readonly average: number | null }
  readonly byQueue: ReadonlyArray<RatingGroup>
  readonly byAgent: ReadonlyArray<RatingGroup>
}

const rows = sql<number>`count(*)`.mapWith(Number)
const average = sql<number>`avg(${feedback.rating})::float8`.mapWith(Number)

/** Average rating and count overall, per queue and per agent. */
export const feedbackSummary = (window: FeedbackWindow = {}): Effect.Effect<FeedbackSummary, DbError, Db> =>
  query("feedbackSummary", async (db) => {
    const overall = await db
      .select({ count: rows, average: sql<number | null>`avg(${feedback.rating})::float8` })
      .from(feedback)
      .where(inWindow(window))
    const byQueue = await db
      .select({ id: interactions.queueId, name: queues.name, count: rows, average })
      .from(feedback)
      .innerJoin(interactions, eq(interactions.id, feedback.interactionId))
      .leftJoin(queues, eq(queues.id, interactions.queueId))
      .where(inWindow(window))
      .groupBy(interactions.queueId, queues.name)
      .orderBy(asc(queues.name))
    const byAgent = await db
      .select({ id: interactions.assignedTo, name: agent.displayName, count: rows, average })
      .from(feedback)
      .innerJoin(interactions, eq(interactions.id, feedback.interactionId))
      .leftJoin(agent, eq(agent.id, interactions.assignedTo))
      .where(inWindow(window))
      .groupBy(interactions.assignedTo, agent.displayName)
      .orderBy(asc(agent.displayName))
    const total = overall[0]
    return {
      overall: {
        count: total?.count ?? 0,
        average: total?.average === null || total?.average === undefined ? null : Number(total.average)
      },
      byQueue,
      byAgent
    }
  })

export interface TopicOutcomes {
  /** The virtual agent's topic id. */
  readonly topic: string
  /** Interactions in which the customer asked about it (its last topic, when they asked several). */
  readonly started: number
  readonly resolvedByBot: number
  readonly handedOff: number
  readonly abandoned: number
  /** Still open with no outcome yet. */
  readonly inProgress: number
  readonly questions: number
  readonly requests: number
  readonly feedbackCount: number
  readonly averageFeedback: number | null
}

const outcomeCount = (outcome: string) =>
  sql<number>`count(*) filter (where ${interactions.botOutcome} = ${outcome})`.mapWith(Number)

/** Per bot topic, in the window of interactions' opening: how many started and how the bot's part ended. */
export const virtualAgentReport = (
  window: { readonly from?: Date; readonly before?: Date } = {}
): Effect.Effect<ReadonlyArray<TopicOutcomes>, DbError, Db> =>
  query("virtualAgentReport", (db) =>
    db
      .select({
        topic: sql<string>`${interactions.topic}`,
        started: rows,
        resolvedByBot: outcomeCount("resolved"),
        handedOff: outcomeCount("handed_off"),
        abandoned: outcomeCount("abandoned"),
        inProgress: sql<number>`count(*) filter (where ${interactions.botOutcome} is null)`.mapWith(Number),
        questions: sql<number>`count(*) filter (where ${interactions.botIntent} = 'question')`.mapWith(Number),
        requests: sql<number>`count(*) filter (where ${interactions.botIntent} = 'request')`.mapWith(Number),
        feedbackCount: sql<number>`count(${feedback.id})`.mapWith(Number),
        averageFeedback: sql<number | null>`avg(${feedback.rating})::float8`.mapWith((v: string | number | null) =>
          v === null ? null : Number(v)
        )
      })
      .from(interactions)
      .leftJoin(feedback, eq(feedback.interactionId, interactions.id))
      .where(
        and(
          sql`${interactions.topic} is not null`,
          window.from === undefined ? undefined : gte(interactions.openedAt, window.from),
          window.before === undefined ? undefined : lt(interactions.openedAt, window.before)
        )
      )
      .groupBy(interactions.topic)
      .orderBy(asc(interactions.topic))
  )
