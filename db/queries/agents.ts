import { and, asc, desc, eq, gte, inArray, notInArray, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import {
  type AgentChannel,
  agentChannels,
  agentSkills,
  type PresenceChange,
  type PresenceState,
  presenceHistory,
  workItems
} from "../schema/awa.ts"
import { type AssignmentRule, type ServiceChannel, skills } from "../schema/queues.ts"
import { users } from "../schema/users.ts"
import { query } from "./internal/query.ts"

/** Sets an agent's capacity on a channel (creating the row; presence starts offline). */
export const setCapacity = (
  agentId: string,
  channel: ServiceChannel,
  capacity: number
): Effect.Effect<void, DbError, Db> =>
  query("setCapacity", async (db) => {
    await db
      .insert(agentChannels)
      .values({ agentId, channel, capacity })
      .onConflictDoUpdate({ target: [agentChannels.agentId, agentChannels.channel], set: { capacity } })
  })

/** Records a presence change: the current value for routing and a history row for reports. */
export const recordPresence = (
  agentId: string,
  channel: ServiceChannel,
  state: PresenceState,
  at: Date = new Date()
): Effect.Effect<void, DbError, Db> =>
  query("recordPresence", (db) =>
    db.transaction(async (tx) => {
      await tx.insert(presenceHistory).values({ agentId, channel, state, at })
      await tx
        .insert(agentChannels)
        .values({ agentId, channel, presence: state, presenceAt: at })
        .onConflictDoUpdate({
          target: [agentChannels.agentId, agentChannels.channel],
          set: { presence: state, presenceAt: at }
        })
    })
  )

export const channelsOf = (agentId: string): Effect.Effect<ReadonlyArray<AgentChannel>, DbError, Db> =>
  query("channelsOf", (db) =>
    db.select().from(agentChannels).where(eq(agentChannels.agentId, agentId)).orderBy(asc(agentChannels.channel))
  )

export const presenceHistoryOf = (
  agentId: string,
  since?: Date
): Effect.Effect<ReadonlyArray<PresenceChange>, DbError, Db> =>
  query("presenceHistoryOf", (db) =>
    db
      .select()
      .from(presenceHistory)
      .where(
        and(eq(presenceHistory.agentId, agentId), since === undefined ? undefined : gte(presenceHistory.at, since))
      )
      .orderBy(desc(presenceHistory.at), desc(presenceHistory.id))
      .limit(500)
  )

/** An agent's load on a channel, for routing and the manager's presence board. */
export interface AgentLoad {
  readonly agentId: string
  readonly displayName: string
  readonly presence: PresenceState
  readonly presenceAt: Date
  readonly capacity: number
  /** Work items offered to or assigned to the agent and not yet closed. */
  readonly active: number
  readonly lastAssignedAt: Date | null
}

// Work items carry no channel of their own; while Apple Messages is the only channel, all count.
const activeWork = sql<number>`(
  select count(*) from ${workItems}
  where (${workItems.state} = 'assigned' and ${workItems.assignedTo} = ${agentChannels.agentId})
     or (${workItems.state} = 'offered' and ${workItems.offeredTo} = ${agentChannels.agentId})
)`.mapWith(Number)

const lastAssigned = sql<Date | null>`(
  select max(${workItems.assignedAt}) from ${workItems} where ${workItems.assignedTo} = ${agentChannels.agentId}
)`.mapWith((v: string | Date | null) => (v === null ? null : new Date(v)))

const loadColumns = {
  agentId: agentChannels.agentId,
  displayName: users.displayName,
  presence: agentChannels.presence,
  presenceAt: agentChannels.presenceAt,
  capacity: agentChannels.capacity,
  active: activeWork,
  lastAssignedAt: lastAssigned
}

/** Every agent configured on `channel` with presence and load, by name (the manager's board). */
export const presenceBoard = (channel: ServiceChannel): Effect.Effect<ReadonlyArray<AgentLoad>, DbError, Db> =>
  query("presenceBoard", (db) =>
    db
      .select(loadColumns)
      .from(agentChannels)
      .innerJoin(users, eq(users.id, agentChannels.agentId))
      .where(and(eq(agentChannels.channel, channel), eq(users.active, true)))
      .orderBy(asc(users.displayName))
  )

/**
 * Agents who could take work now: available on `channel`, active, with free capacity and every
 * skill in `requiredSkills`; best first by the queue's assignment rule (most free capacity, or
 * longest since their last assignment).
 */
export const availableAgents = (options: {
  readonly channel: ServiceChannel
  readonly requiredSkills?: ReadonlyArray<string>
  readonly rule?: AssignmentRule
  readonly exclude?: ReadonlyArray<string>
}): Effect.Effect<ReadonlyArray<AgentLoad>, DbError, Db> =>
  query("availableAgents", async (db) => {
    const required = [...new Set(options.requiredSkills ?? [])]
    const hasSkills =
      required.length === 0
        ? undefined
        : sql`(
            select count(*) from ${agentSkills} inner join ${skills} on ${skills.id} = ${agentSkills.skillId}
            where ${agentSkills.agentId} = ${agentChannels.agentId} and ${inArray(skills.name, required)}
          ) = ${required.length}`
    const rows = await db
      .select(loadColumns)
      .from(agentChannels)
      .innerJoin(users, eq(users.id, agentChannels.agentId))
      .where(
        and(
          eq(agentChannels.channel, options.channel),
          eq(agentChannels.presence, "available"),
          eq(users.active, true),
          sql`${activeWork} < ${agentChannels.capacity}`,
          hasSkills,
          options.exclude === undefined || options.exclude.length === 0
            ? undefined
            : notInArray(agentChannels.agentId, [...options.exclude])
        )
      )
    // Never assigned counts as longest idle (time 0).
    const idle = (a: AgentLoad) => a.lastAssignedAt?.getTime() ?? 0
    const free = (a: AgentLoad) => a.capacity - a.active
    const byRule =
      (options.rule ?? "most_capacity") === "most_capacity"
        ? (a: AgentLoad, b: AgentLoad) => free(b) - free(a) || idle(a) - idle(b)
        : (a: AgentLoad, b: AgentLoad) => idle(a) - idle(b) || free(b) - free(a)
    return [...rows].sort((a, b) => byRule(a, b) || a.agentId.localeCompare(b.agentId))
  })
