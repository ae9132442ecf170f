import { count, desc } from "drizzle-orm"
import { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { deadLetters } from "../schema/runtime.ts"
import { query } from "./internal/query.ts"

/** Messages the runtime gave up on, for operators: how many, and the latest few. */

export interface DeadLetter {
  readonly id: number
  readonly kind: string
  readonly actorId: string
  readonly partition: number
  readonly cause: string
  readonly attempts: number
  readonly createdAt: Date
}

export const deadLetterSummary = (
  latest: number
): Effect.Effect<{ readonly total: number; readonly latest: ReadonlyArray<DeadLetter> }, DbError, Db> =>
  Effect.all({
    total: Effect.map(
      query("deadLetters.count", (db) => db.select({ n: count() }).from(deadLetters)),
      (rows) => rows[0]?.n ?? 0
    ),
    latest: query("deadLetters.latest", (db) =>
      db
        .select({
          id: deadLetters.id,
          kind: deadLetters.kind,
          actorId: deadLetters.actorId,
          partition: deadLetters.partition,
          cause: deadLetters.cause,
          attempts: deadLetters.attempts,
          createdAt: deadLetters.createdAt
        })
        .from(deadLetters)
        .orderBy(desc(deadLetters.id))
        .limit(latest)
    )
  })
