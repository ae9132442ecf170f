import { and, desc, eq } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type AuditEntry, auditLog } from "../schema/audit.ts"
import { query, single } from "./internal/query.ts"

/** Keys whose values never reach the audit log, at any depth. */
const secretKey = /pass(word)?|secret|token|hash|authorization|cookie|api[-_]?key/i

/** Drops secret-looking keys, so a caller passing a whole request body cannot leak credentials. */
export const scrub = (details: Readonly<Record<string, unknown>>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(details)
      .filter(([key]) => !secretKey.test(key))
      .map(([key, inner]) => [key, scrubValue(inner)])
  )

const scrubValue = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(scrubValue)
  if (value === null || typeof value !== "object" || value instanceof Date) return value
  return scrub(value as Readonly<Record<string, unknown>>)
}

export interface AuditInput {
  /** The user who acted; absent for the system (virtual agent, timers, routing). */
  readonly actorUserId?: string
  readonly action: string
  readonly entity: string
  readonly entityId: string
  readonly details?: Readonly<Record<string, unknown>>
}

export const audit = (input: AuditInput): Effect.Effect<AuditEntry, DbError, Db> =>
  query("audit", async (db) =>
    single(
      await db
        .insert(auditLog)
        .values({
          actorKind: input.actorUserId === undefined ? "system" : "user",
          actorUserId: input.actorUserId ?? null,
          action: input.action,
          entity: input.entity,
          entityId: input.entityId,
          details: scrub(input.details ?? {})
        })
        .returning()
    )
  )

/** The history of one record, newest first. */
export const auditOf = (
  entity: string,
  entityId: string,
  limit = 100
): Effect.Effect<ReadonlyArray<AuditEntry>, DbError, Db> =>
  query("auditOf", (db) =>
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entity, entity), eq(auditLog.entityId, entityId)))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(limit)
  )
