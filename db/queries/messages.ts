import { and, asc, eq, gt } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Message, type MessageAuthorKind, type MessageDirection, messages } from "../schema/interactions.ts"
import { command, first, query } from "./internal/query.ts"

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
 * turn's other writes. The Apple message id, when given, is fresh, so no redelivery can meet it.
 */
export const recordMessage = (input: NewMessage): Effect.Effect<void, DbError, Db> =>
  command("recordMessage", (db) =>
    db.insert(messages).values(rowOf(input)).onConflictDoNothing({ target: messages.appleMessageId })
  )

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
  query("hasAppleMessage", async (db) => {
    const row = first(
      await db.select({ id: messages.id }).from(messages).where(eq(messages.appleMessageId, appleMessageId)).limit(1)
    )
    return row !== undefined
  })
