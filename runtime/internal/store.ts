import { randomUUID } from "node:crypto"
import { and, eq, inArray, isNull, lte, sql } from "drizzle-orm"
import { Data, Effect, Option, Schema } from "effect"
import { type Batch, Db } from "../../db/Db.ts"
import type { DbError } from "../../db/DbError.ts"
import { prepared } from "../../db/Prepared.ts"
import {
  actorOffsets,
  actorSnapshots,
  deadLetters,
  outbox,
  partitionFence,
  processedTurns,
  timers
} from "../../db/schema/runtime.ts"

/** Queries on the runtime's own tables. Every one joins the caller's transaction when there is one. */

/** Another node holds a newer epoch for this partition: stop writing, give the partition up. */
export class FenceLost extends Data.TaggedError("FenceLost")<{
  readonly kind: string
  readonly partition: number
  readonly epoch: number
}> {}

/**
 * Raises the fence to `epoch`; returns the epoch it replaced and the consumer names earlier owners
 * recorded (kept in the row), or fails when a newer epoch is there.
 */
export const claimFence = (kind: string, partition: number, epoch: number, owner: string) =>
  Effect.gen(function* () {
    const db = yield* Db
    return yield* db.transaction(
      Effect.gen(function* () {
        const before = yield* db.use("fence.read", (d) =>
          d
            .select({ epoch: partitionFence.epoch, consumers: partitionFence.consumers })
            .from(partitionFence)
            .where(and(eq(partitionFence.kind, kind), eq(partitionFence.partition, partition)))
            .for("update")
        )
        const previous = before[0]?.epoch
        if (previous !== undefined && previous > epoch) return yield* new FenceLost({ kind, partition, epoch })
        yield* db.use("fence.claim", (d) =>
          d
            .insert(partitionFence)
            .values({ kind, partition, epoch, owner })
            .onConflictDoUpdate({
              target: [partitionFence.kind, partitionFence.partition],
              set: { epoch, owner, updatedAt: sql`now()` }
            })
        )
        return { previous: Option.fromNullable(previous), consumers: before[0]?.consumers ?? [] }
      })
    )
  })

const textArray = (values: ReadonlyArray<string>) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `
  )}]::text[]`

/** Adds a consumer name to the partition's record before it is created (only while `epoch` holds the fence). */
export const recordConsumer = (kind: string, partition: number, epoch: number, name: string) =>
  Effect.flatMap(Db, (db) =>
    db.use("fence.record", (d) =>
      d
        .update(partitionFence)
        .set({ consumers: sql`array_append(array_remove(${partitionFence.consumers}, ${name}), ${name})` })
        .where(
          and(eq(partitionFence.kind, kind), eq(partitionFence.partition, partition), eq(partitionFence.epoch, epoch))
        )
    )
  ).pipe(Effect.asVoid)

/** Drops names whose consumers are deleted from the partition's record. */
export const forgetConsumers = (kind: string, partition: number, epoch: number, names: ReadonlyArray<string>) =>
  names.length === 0
    ? Effect.void
    : Effect.flatMap(Db, (db) =>
        db.use("fence.forget", (d) =>
          d
            .update(partitionFence)
            .set({
              consumers: sql`array(select c from unnest(${partitionFence.consumers}) as c where c <> all(${textArray(names)}))`
            })
            .where(
              and(
                eq(partitionFence.kind, kind),
                eq(partitionFence.partition, partition),
                eq(partitionFence.epoch, epoch)
              )
            )
        )
      ).pipe(Effect.asVoid)

/** First statement of every turn: the partition must still be ours (a paused old owner fails here). */
export const checkFence = (kind: string, partition: number, epoch: number) =>
  Effect.gen(function* () {
    const db = yield* Db
    const rows = yield* db.use("fence.check", (d) =>
      d
        .select({ epoch: partitionFence.epoch })
        .from(partitionFence)
        .where(and(eq(partitionFence.kind, kind), eq(partitionFence.partition, partition)))
        .for("share")
    )
    if (rows[0]?.epoch !== epoch) return yield* new FenceLost({ kind, partition, epoch })
  })

const Claimed = Schema.Struct({
  epoch: Schema.NullOr(Schema.Number),
  fresh: Schema.NullOr(Schema.Array(Schema.String))
})
const decodeClaimed = Schema.decodeUnknown(Claimed)

const claimStatement = prepared<{ kind: string; partition: number; epoch: number; turns: string }>(sql`
  with fence as (
    select ${partitionFence.epoch} as epoch from ${partitionFence}
    where ${partitionFence.kind} = ${sql.placeholder("kind")} and ${partitionFence.partition} = ${sql.placeholder("partition")}
    for share
  ), bumped as (
    insert into ${actorOffsets} (kind, actor_id, last_seq)
    select ${sql.placeholder("kind")}, t."actorId", t.seq
    from jsonb_to_recordset(${sql.placeholder("turns")}::jsonb) as t("actorId" text, seq bigint), fence
    where fence.epoch = ${sql.placeholder("epoch")}
    on conflict (kind, actor_id) do update set last_seq = excluded.last_seq, updated_at = now()
    where ${actorOffsets.lastSeq} < excluded.last_seq
    returning actor_id
  )
  select (select epoch from fence)::float8 as epoch, (select array_agg(actor_id) from bumped) as fresh`)

/**
 * First statement of a transactional turn, or of turns of several actors committed together (one
 * turn per actor), one round trip: checks the fence (share-locking it until commit, so a takeover
 * waits for these turns) and records each `seq` as its actor's last applied sequence unless it
 * already is (a redelivery). Returns the actors whose turn must run; fails with `FenceLost` when
 * the partition is no longer ours. Rolled back with the turns if they fail. The turns travel as
 * one JSON parameter, so the statement text (and its prepared plan) is the same whatever their
 * number, on postgres.js and PGlite alike.
 */
export const claimTurns = (
  kind: string,
  partition: number,
  epoch: number,
  turns: ReadonlyArray<{ readonly actorId: string; readonly seq: number }>,
  operation = "turn.claimMany"
) =>
  Effect.gen(function* () {
    const db = yield* Db
    const rows = yield* db.use(operation, (d) =>
      claimStatement.run(d, { kind, partition, epoch, turns: JSON.stringify(turns) })
    )
    const row = yield* decodeClaimed(rows[0]).pipe(Effect.orElseFail(() => new FenceLost({ kind, partition, epoch })))
    if (row.epoch !== epoch) return yield* new FenceLost({ kind, partition, epoch })
    return new Set(row.fresh ?? [])
  })

/** `claimTurns` for one turn: true when it must run (not a redelivery). */
export const claimTurn = (kind: string, partition: number, epoch: number, actorId: string, seq: number) =>
  Effect.map(claimTurns(kind, partition, epoch, [{ actorId, seq }], "turn.claim"), (fresh) => fresh.has(actorId))

const gateStatement = prepared<{ kind: string; partition: number; actorId: string }>(sql`
  select
    (select ${actorOffsets.lastSeq} from ${actorOffsets}
     where ${actorOffsets.kind} = ${sql.placeholder("kind")} and ${actorOffsets.actorId} = ${sql.placeholder("actorId")})::float8 as "lastSeq",
    (select ${partitionFence.epoch} from ${partitionFence}
     where ${partitionFence.kind} = ${sql.placeholder("kind")} and ${partitionFence.partition} = ${sql.placeholder("partition")})::float8 as epoch`)

const GateRow = Schema.Struct({ lastSeq: Schema.NullOr(Schema.Number), epoch: Schema.NullOr(Schema.Number) })
const decodeGate = Schema.decodeUnknown(GateRow)

/**
 * Before a turn that calls out (a non-transactional kind): whether the message's turn already
 * committed, and the partition's fence, in one statement. Fails `FenceLost` when the partition is
 * no longer ours, so a paused former owner does not call out; true when the turn must run.
 */
export const turnGate = (kind: string, partition: number, epoch: number, actorId: string, seq: number) =>
  Effect.gen(function* () {
    const db = yield* Db
    const rows = yield* db.use("turn.gate", (d) => gateStatement.run(d, { kind, partition, actorId }))
    const row = yield* decodeGate(rows[0]).pipe(Effect.orElseFail(() => new FenceLost({ kind, partition, epoch })))
    if (row.epoch !== epoch) return yield* new FenceLost({ kind, partition, epoch })
    return (row.lastSeq ?? 0) < seq
  })

const lastSeqStatement = prepared<{ kind: string; actorId: string }>(sql`
  select ${actorOffsets.lastSeq}::float8 as "lastSeq" from ${actorOffsets}
  where ${actorOffsets.kind} = ${sql.placeholder("kind")} and ${actorOffsets.actorId} = ${sql.placeholder("actorId")}`)
const LastSeqRow = Schema.Struct({ lastSeq: Schema.Number })
const decodeLastSeq = Schema.decodeUnknown(Schema.Array(LastSeqRow))

export const lastSeq = (kind: string, actorId: string) =>
  Effect.flatMap(Db, (db) => db.use("offset.read", (d) => lastSeqStatement.run(d, { kind, actorId }))).pipe(
    Effect.flatMap((rows) => Effect.orDie(decodeLastSeq(rows))),
    Effect.map((rows) => rows[0]?.lastSeq ?? 0)
  )

/** An actor's stored state (`Behavior.state`, runtime/Actor.ts), undefined when it has none yet. */
export const loadSnapshot = (kind: string, actorId: string) =>
  Effect.flatMap(Db, (db) => db.use("snapshot.load", (d) => loadStatement.run(d, { kind, actorId }))).pipe(
    Effect.map((rows): unknown => {
      const row = rows[0]
      return typeof row === "object" && row !== null && "state" in row ? row.state : undefined
    })
  )

const loadStatement = prepared<{ kind: string; actorId: string }>(sql`
  select ${actorSnapshots.state} as state from ${actorSnapshots}
  where ${actorSnapshots.kind} = ${sql.placeholder("kind")} and ${actorSnapshots.actorId} = ${sql.placeholder("actorId")}`)

const saveStatement = prepared<{ rows: string }>(sql`
  insert into ${actorSnapshots} (kind, actor_id, state)
  select r.kind, r."actorId", r.state
  from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as r(kind text, "actorId" text, state jsonb)
  on conflict (kind, actor_id) do update set state = excluded.state, updated_at = now()`)

interface SnapshotRow {
  readonly kind: string
  readonly actorId: string
  /** The state as JSON text, as the turn already made it to compare with the stored copy. */
  readonly state: string
}

/**
 * Every state a transaction saves, one statement (`Db.append`): a group commit's actors are
 * written together. One row per actor, the last saved (an upsert may not touch a row twice).
 */
const snapshots: Batch<SnapshotRow> = {
  operation: "snapshot.save",
  write: (d, rows) => {
    const last = new Map<string, SnapshotRow>()
    for (const row of rows) last.set(`${row.kind}\u0000${row.actorId}`, row)
    const json = [...last.values()].map(
      (row) => `{"kind":${JSON.stringify(row.kind)},"actorId":${JSON.stringify(row.actorId)},"state":${row.state}}`
    )
    return saveStatement.run(d, { rows: `[${json.join(",")}]` })
  }
}

/**
 * Writes an actor's state, given as JSON text; inside the turn's transaction it goes out with the
 * transaction's other states and its commit (`Db.append`).
 */
export const saveSnapshot = (kind: string, actorId: string, state: string) =>
  Effect.flatMap(Db, (db) => db.append(snapshots, { kind, actorId, state }))

export type OutboxRow = typeof outbox.$inferInsert
/** An outbox row as the relay needs it: identified by its de-dup id, which is also the stream's. */
export type SentRow = Pick<typeof outbox.$inferSelect, "msgId" | "subject" | "payload" | "headers" | "durable">

/**
 * Writes a turn's outbox rows and returns them as the relay needs them. The de-dup ids are made
 * here rather than by the database, so nothing is read back: the insert goes out with the turn's
 * other writes and its commit (`Db.write`).
 */
export const insertOutbox = (rows: ReadonlyArray<OutboxRow>): Effect.Effect<ReadonlyArray<SentRow>, DbError, Db> => {
  if (rows.length === 0) return Effect.succeed([])
  const stamped = rows.map((row) => ({
    msgId: row.msgId ?? randomUUID(),
    kind: row.kind,
    partition: row.partition,
    epoch: row.epoch,
    subject: row.subject,
    payload: row.payload,
    headers: row.headers ?? {},
    durable: row.durable ?? 1
  }))
  return Effect.flatMap(Db, (db) =>
    db.write("outbox.insert", (d) => outboxStatement.run(d, { rows: JSON.stringify(stamped) }))
  ).pipe(
    Effect.as(
      stamped.map((row) => ({
        msgId: row.msgId,
        subject: row.subject,
        payload: row.payload,
        headers: row.headers,
        durable: row.durable
      }))
    )
  )
}

/**
 * Any number of rows, one statement text: they travel as one JSON parameter. `jsonb_to_recordset`
 * yields them in array order and the insert numbers them (`id`) as it reads them, so a turn's rows
 * keep their order for the sweeper (`pendingOutbox`).
 */
const outboxStatement = prepared<{ rows: string }>(sql`
  insert into ${outbox} (msg_id, kind, partition, epoch, subject, payload, headers, durable)
  select r."msgId", r.kind, r.partition, r.epoch, r.subject, r.payload, r.headers, r.durable
  from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as r(
    "msgId" uuid, kind text, partition integer, epoch bigint, subject text, payload text, headers jsonb, durable integer)`)

/** Unsent rows of the given partitions, oldest first (so each partition's rows stay in order). */
export const pendingOutbox = (kind: string, partitions: ReadonlyArray<number>, limit: number) =>
  Effect.flatMap(Db, (db) =>
    db.use("outbox.pending", (d) =>
      d
        .select({
          partition: outbox.partition,
          msgId: outbox.msgId,
          subject: outbox.subject,
          payload: outbox.payload,
          headers: outbox.headers,
          durable: outbox.durable
        })
        .from(outbox)
        .where(and(eq(outbox.kind, kind), inArray(outbox.partition, [...partitions]), isNull(outbox.sentAt)))
        .orderBy(outbox.id)
        .limit(limit)
    )
  )

export const markSent = (msgIds: ReadonlyArray<string>) =>
  msgIds.length === 0
    ? Effect.void
    : Effect.flatMap(Db, (db) =>
        db.use("outbox.sent", (d) =>
          d
            .update(outbox)
            .set({ sentAt: sql`now()` })
            .where(inArray(outbox.msgId, [...msgIds]))
        )
      ).pipe(Effect.asVoid)

export const recordTurn = (row: typeof processedTurns.$inferInsert) =>
  Effect.flatMap(Db, (db) => db.write("audit.turn", (d) => d.insert(processedTurns).values(row).onConflictDoNothing()))

/** Audit rows of several turns committed together, one statement. */
export const recordTurns = (rows: ReadonlyArray<typeof processedTurns.$inferInsert>) =>
  rows.length === 0
    ? Effect.void
    : Effect.flatMap(Db, (db) =>
        db.write("audit.turns", (d) =>
          d
            .insert(processedTurns)
            .values([...rows])
            .onConflictDoNothing()
        )
      ).pipe(Effect.asVoid)

export const insertDeadLetter = (row: typeof deadLetters.$inferInsert) =>
  Effect.flatMap(Db, (db) => db.use("deadletter.insert", (d) => d.insert(deadLetters).values(row)))

export const upsertTimer = (row: typeof timers.$inferInsert) =>
  Effect.flatMap(Db, (db) =>
    Effect.zipRight(
      cancelTimer(row.kind, row.actorId, row.key),
      db.write("timer.insert", (d) => d.insert(timers).values(row))
    )
  )

export const cancelTimer = (kind: string, actorId: string, key: string) =>
  Effect.flatMap(Db, (db) =>
    db.write("timer.cancel", (d) =>
      d
        .delete(timers)
        .where(and(eq(timers.kind, kind), eq(timers.actorId, actorId), eq(timers.key, key), isNull(timers.firedAt)))
    )
  ).pipe(Effect.asVoid)

/** Timers of the given partitions due at `now`, earliest first. */
export const dueTimers = (kind: string, partitions: ReadonlyArray<number>, now: Date, limit: number) =>
  Effect.flatMap(Db, (db) =>
    db.use("timer.due", (d) =>
      d
        .select()
        .from(timers)
        .where(
          and(
            eq(timers.kind, kind),
            inArray(timers.partition, [...partitions]),
            isNull(timers.firedAt),
            lte(timers.fireAt, now)
          )
        )
        .orderBy(timers.fireAt)
        .limit(limit)
    )
  )

export const markFired = (id: string) =>
  Effect.flatMap(Db, (db) =>
    db.use("timer.fired", (d) => d.update(timers).set({ firedAt: sql`now()` }).where(eq(timers.id, id)))
  ).pipe(Effect.asVoid)
