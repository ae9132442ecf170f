import { sql } from "drizzle-orm"
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid
} from "drizzle-orm/pg-core"

/**
 * Tables the actor runtime owns. They know actor kinds and ids, never customer-service concepts.
 */

/** Who may write for a partition: takeover only raises the epoch; every turn checks it (docs/cluster.md). */
export const partitionFence = pgTable(
  "partition_fence",
  {
    kind: text().notNull(),
    partition: integer().notNull(),
    epoch: bigint({ mode: "number" }).notNull(),
    owner: text().notNull(),
    /**
     * Every consumer name an owner of this partition may have created and no owner has deleted
     * since: written before each create, so the next owner can remove a consumer the NATS cluster
     * no longer lists (`runtime/internal/partitionConsumer.ts`).
     */
    consumers: text().array().notNull().default(sql`'{}'::text[]`),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [primaryKey({ columns: [t.kind, t.partition] })]
)

/** The last stream sequence each actor applied, written in the turn's transaction (dedupe on redelivery). */
export const actorOffsets = pgTable(
  "actor_offsets",
  {
    kind: text().notNull(),
    actorId: text().notNull(),
    lastSeq: bigint({ mode: "number" }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [primaryKey({ columns: [t.kind, t.actorId] })]
)

/** Optional JSON state for actors that do not keep their own tables. */
export const actorSnapshots = pgTable(
  "actor_snapshots",
  {
    kind: text().notNull(),
    actorId: text().notNull(),
    state: jsonb().notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [primaryKey({ columns: [t.kind, t.actorId] })]
)

/** Effects leaving a turn, relayed after commit with `msgId` as the de-dup id. */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    msgId: uuid().notNull().defaultRandom().unique(),
    kind: text().notNull(),
    partition: integer().notNull(),
    epoch: bigint({ mode: "number" }).notNull(),
    subject: text().notNull(),
    payload: text().notNull(),
    headers: jsonb().$type<Record<string, string>>().notNull().default({}),
    durable: integer().notNull().default(1),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true })
  },
  (t) => [index("outbox_pending_idx").on(t.kind, t.partition, t.id).where(sql`${t.sentAt} is null`)]
)

/** Durable timers: fired by the partition owner as messages to the actor, at least once, de-duplicated. */
export const timers = pgTable(
  "timers",
  {
    id: uuid().primaryKey().defaultRandom(),
    kind: text().notNull(),
    actorId: text().notNull(),
    partition: integer().notNull(),
    /** Caller's key: scheduling the same key again replaces the timer. */
    key: text().notNull(),
    payload: text().notNull(),
    fireAt: timestamp({ withTimezone: true }).notNull(),
    firedAt: timestamp({ withTimezone: true }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    index("timers_due_idx").on(t.kind, t.partition, t.fireAt).where(sql`${t.firedAt} is null`),
    index("timers_key_idx").on(t.kind, t.actorId, t.key)
  ]
)

/** Messages a turn could not handle within its retry budget; visible to operators. */
export const deadLetters = pgTable(
  "dead_letters",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    kind: text().notNull(),
    actorId: text().notNull(),
    partition: integer().notNull(),
    seq: bigint({ mode: "number" }).notNull(),
    subject: text().notNull(),
    payload: text().notNull(),
    cause: text().notNull(),
    attempts: integer().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index("dead_letters_actor_idx").on(t.kind, t.actorId)]
)

/** Audit of committed turns (epoch, node): makes "never two owners" a SQL query in failover tests. */
export const processedTurns = pgTable(
  "processed_turns",
  {
    kind: text().notNull(),
    partition: integer().notNull(),
    actorId: text().notNull(),
    seq: bigint({ mode: "number" }).notNull(),
    epoch: bigint({ mode: "number" }).notNull(),
    node: text().notNull(),
    committedAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [primaryKey({ columns: [t.kind, t.actorId, t.seq] })]
)
