import { and, asc, eq, gt } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type AgentEventRow, agentEvents } from "../schema/agentEvents.ts"
import { query, single } from "./internal/query.ts"

/** Records an event for the agent's workspace (in the caller's turn) and returns its number. */
export const appendAgentEvent = (
  agentId: string,
  type: string,
  body: Readonly<Record<string, unknown>>
): Effect.Effect<{ readonly id: number; readonly at: Date }, DbError, Db> =>
  query("appendAgentEvent", async (db) =>
    single(
      await db.insert(agentEvents).values({ agentId, type, body }).returning({ id: agentEvents.id, at: agentEvents.at })
    )
  )

/** What an agent missed after event `afterId`, oldest first, at most `limit`. */
export const agentEventsSince = (
  agentId: string,
  afterId: number,
  limit: number
): Effect.Effect<ReadonlyArray<AgentEventRow>, DbError, Db> =>
  query("agentEventsSince", (db) =>
    db
      .select()
      .from(agentEvents)
      .where(and(eq(agentEvents.agentId, agentId), gt(agentEvents.id, afterId)))
      .orderBy(asc(agentEvents.id))
      .limit(limit)
  )
