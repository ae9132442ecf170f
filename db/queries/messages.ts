import { and, asc, eq, gt, sql } from "drizzle-orm"
import { Effect } from "effect"
import { type Batch, Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { prepared } from "../Prepared.ts"
import { type Message, type MessageAuthorKind, type MessageDirection, messages } from "../schema/interactions.ts"
import { first, query } from "./internal/query.ts"

export interface NewMessage {
  readonly interactionId: string
  readonly direction: MessageDirection
  readonly authorKind: MessageAuthorKind
  readonly authorUserId?: string
  readonly kind: string
  readonly body: Readonly<Record<string, unknown>>
  /** Apple's id (inbound) or the id we sent under (outbound). */
  readonly appleMessageId?: string
  readonly createdAt?: Date
}

/** `inserted: false` means the Apple message id was already in the transcript (a redelivery). */
export interface Appended {
  readonly inserted: boolean
  readonly message: Message | undefined
}

const rowOf = (input: NewMessage) => ({
  interactionId: input.interactionId,
  direction: input.direction,
  authorKind: input.authorKind,
  authorUserId: input.authorUserId ?? null,
  kind: input.kind,
  body: input.body,
  appleMessageId: input.appleMessageId ?? null,
  ...(input.createdAt === undefined ? {} : { createdAt: input.createdAt })
})

/**
 * Adds a line to the transcript, at most once per Apple message id: a redelivered webhook finds the
 * existing line instead of failing the turn.
 */
export const appendMessage = (input: NewMessage): Effect.Effect<Appended, DbError, Db> =>
  query("appendMessage", async (db) => {
    const inserted = first(
      await db
        .insert(messages)
        .values(rowOf(input))
        .onConflictDoNothing({ target: messages.appleMessageId })
        .returning()
    )
    if (inserted !== undefined) return { inserted: true, message: inserted }
    const existing =
      input.appleMessageId === undefined
        ? undefined
        : first(await db.select().from(messages).where(eq(messages.appleMessageId, input.appleMessageId)))
    return { inserted: false, message: existing }
  })

/**
 * Adds a line nobody reads back in this turn (a bot's answer, a system note): it goes out with the
 * turn's other writes, and inside a transaction with every other line recorded there, as one
 * statement (`Db.append`): a group commit's turns write their lines together. The Apple message
 * id, when given, is fresh, so no redelivery can meet it.
 */
export const recordMessage = (input: NewMessage): Effect.Effect<void, DbError, Db> =>
  Effect.flatMap(Db, (db) => db.append(lines, input))

/** Lines travel as one JSON parameter, read in order, so their ids keep the order they were recorded in. */
const recordLines = prepared<{ rows: string }>(sql`
  insert into ${messages} (interaction_id, direction, author_kind, author_user_id, kind, body, apple_message_id, created_at)
  select r."interactionId", r.direction::message_direction, r."authorKind"::message_author_kind, r."authorUserId",
    r.kind, r.body, r."appleMessageId", coalesce(r."createdAt", now())
  from jsonb_to_recordset(${sql.placeholder("rows")}::jsonb) as r(
    "interactionId" uuid, direction text, "authorKind" text, "authorUserId" uuid, kind text, body jsonb,
    "appleMessageId" text, "createdAt" timestamptz)
  on conflict (apple_message_id) do nothing`)

const lines: Batch<NewMessage> = {
  operation: "recordMessage",
  write: (db, rows) => recordLines.run(db, { rows: JSON.stringify(rows) })
}

/** The transcript of an interaction in order; `afterId` pages forward (an agent's view catching up). */
export const transcript = (
  interactionId: string,
  options: { readonly afterId?: number; readonly limit?: number } = {}
): Effect.Effect<ReadonlyArray<Message>, DbError, Db> =>
  query("transcript", (db) =>
    db
      .select()
      .from(messages)
      .where(
        and(
          eq(messages.interactionId, interactionId),
          options.afterId === undefined ? undefined : gt(messages.id, options.afterId)
        )
      )
      .orderBy(asc(messages.createdAt), asc(messages.id))
      .limit(Math.min(options.limit ?? 1000, 5000))
  )

/** Whether Apple's message id is already recorded; the turn's cheap dedupe check. */
export const hasAppleMessage = (appleMessageId: string): Effect.Effect<boolean, DbError, Db> =>
  query("hasAppleMessage", async (db) => (await findApple.run(db, { appleMessageId })).length > 0)

const findApple = prepared<{ appleMessageId: string }>(sql`
  select 1 as found from ${messages} where ${messages.appleMessageId} = ${sql.placeholder("appleMessageId")} limit 1`)
