import { and, eq, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { actorSnapshots } from "../schema/runtime.ts"
import { query } from "./internal/query.ts"

/** An agent whose actor records workspace sessions, and the nodes they sit on. */
export interface SessionHolder {
  readonly agentId: string
  readonly nodes: ReadonlyArray<string>
}

const sessions = sql`${actorSnapshots.state} -> 'sessions'`

/**
 * Every agent with a workspace session recorded in their actor's snapshot (`sessions`: session
 * id → node), in one pass over the agent kind's snapshots (`kind`: its table kind). The snapshot
 * is what the actor wrote at the end of its last turn, so a session it is recording right now may
 * be missing: callers act on nodes, not on the sessions listed.
 */
export const sessionHolders = (kind: string): Effect.Effect<ReadonlyArray<SessionHolder>, DbError, Db> =>
  query("sessionHolders", (db) =>
    db
      .select({
        agentId: actorSnapshots.actorId,
        nodes: sql<Array<string>>`array(select distinct s.value from jsonb_each_text(${sessions}) s order by 1)`
      })
      .from(actorSnapshots)
      .where(
        and(eq(actorSnapshots.kind, kind), sql`jsonb_typeof(${sessions}) = 'object'`, sql`${sessions} <> '{}'::jsonb`)
      )
  )
