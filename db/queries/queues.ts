import { asc, eq } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { agentSkills } from "../schema/awa.ts"
import { type Queue, queues, type Skill, skills } from "../schema/queues.ts"
import { first, query, single } from "./internal/query.ts"

export type NewQueue = Pick<Queue, "name"> &
  Partial<
    Pick<
      Queue,
      | "description"
      | "channel"
      | "routingOrder"
      | "routingConditions"
      | "assignmentRule"
      | "acceptTimeoutSeconds"
      | "overflowQueueId"
      | "maxWaitSeconds"
      | "active"
    >
  >

export const createQueue = (input: NewQueue): Effect.Effect<Queue, DbError, Db> =>
  query("createQueue", async (db) => single(await db.insert(queues).values(input).returning()))

/** Active queues in routing order: the router tries them first to last. */
export const listQueues = (): Effect.Effect<ReadonlyArray<Queue>, DbError, Db> =>
  query("listQueues", (db) =>
    db.select().from(queues).where(eq(queues.active, true)).orderBy(asc(queues.routingOrder), asc(queues.name))
  )

export const findQueue = (id: string): Effect.Effect<Queue | undefined, DbError, Db> =>
  query("findQueue", async (db) => first(await db.select().from(queues).where(eq(queues.id, id))))

export const findQueueByName = (name: string): Effect.Effect<Queue | undefined, DbError, Db> =>
  query("findQueueByName", async (db) => first(await db.select().from(queues).where(eq(queues.name, name))))

export const createSkill = (input: {
  readonly name: string
  readonly description?: string
}): Effect.Effect<Skill, DbError, Db> =>
  query("createSkill", async (db) => single(await db.insert(skills).values(input).returning()))

export const findSkillByName = (name: string): Effect.Effect<Skill | undefined, DbError, Db> =>
  query("findSkillByName", async (db) => first(await db.select().from(skills).where(eq(skills.name, name))))

/** Gives an agent a skill, or changes its level. */
export const grantSkill = (agentId: string, skillId: string, level = 1): Effect.Effect<void, DbError, Db> =>
  query("grantSkill", async (db) => {
    await db
      .insert(agentSkills)
      .values({ agentId, skillId, level })
      .onConflictDoUpdate({ target: [agentSkills.agentId, agentSkills.skillId], set: { level } })
  })

export const skillsOf = (
  agentId: string
): Effect.Effect<ReadonlyArray<{ readonly name: string; readonly level: number }>, DbError, Db> =>
  query("skillsOf", (db) =>
    db
      .select({ name: skills.name, level: agentSkills.level })
      .from(agentSkills)
      .innerJoin(skills, eq(skills.id, agentSkills.skillId))
      .where(eq(agentSkills.agentId, agentId))
      .orderBy(asc(skills.name))
  )
