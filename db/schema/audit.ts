import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core"
import { users } from "./users.ts"

export const auditActorKind = pgEnum("audit_actor_kind", ["user", "system"])

/**
 * Who did what to which record. `details` is scrubbed of secrets before it is written
 * (see `db/queries/audit.ts`); the log outlives the data it describes.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    actorKind: auditActorKind().notNull(),
    actorUserId: uuid().references(() => users.id),
    action: text().notNull(),
    entity: text().notNull(),
    entityId: text().notNull(),
    details: jsonb().$type<Readonly<Record<string, unknown>>>().notNull().default({}),
    at: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index("audit_log_entity_idx").on(t.entity, t.entityId, t.at),
    index("audit_log_actor_idx").on(t.actorUserId, t.at),
    index("audit_log_at_idx").on(t.at)
  ]
)

export type AuditEntry = typeof auditLog.$inferSelect
