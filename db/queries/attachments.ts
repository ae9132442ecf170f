import { and, eq, inArray, isNull } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type AttachmentRow, attachments } from "../schema/attachments.ts"
import { interactions, type MessageDirection } from "../schema/interactions.ts"
import { first, query } from "./internal/query.ts"

export interface NewAttachment {
  readonly id: string
  readonly interactionId: string
  readonly messageId?: number
  readonly direction: MessageDirection
  readonly name: string
  readonly contentType: string
  readonly size: number
  readonly uploadedBy?: string
}

/** Records files; one already recorded (a repeated turn) is left as it is. */
export const recordAttachments = (rows: ReadonlyArray<NewAttachment>): Effect.Effect<void, DbError, Db> =>
  query("recordAttachments", async (db) => {
    if (rows.length === 0) return
    await db
      .insert(attachments)
      .values(
        rows.map((row) => ({
          id: row.id,
          interactionId: row.interactionId,
          messageId: row.messageId ?? null,
          direction: row.direction,
          name: row.name,
          contentType: row.contentType,
          size: row.size,
          uploadedBy: row.uploadedBy ?? null
        }))
      )
      .onConflictDoNothing({ target: attachments.id })
  })

/** A file with whom its interaction is assigned to, for the download's access check. */
export interface AttachmentWithOwner {
  readonly attachment: AttachmentRow
  readonly assignedTo: string | null
}

export const findAttachment = (id: string): Effect.Effect<AttachmentWithOwner | undefined, DbError, Db> =>
  query("findAttachment", async (db) =>
    first(
      await db
        .select({ attachment: attachments, assignedTo: interactions.assignedTo })
        .from(attachments)
        .innerJoin(interactions, eq(interactions.id, attachments.interactionId))
        .where(eq(attachments.id, id))
    )
  )

/** Ties an agent's uploads to the transcript line that sent them; files sent before keep their line. */
export const linkAttachments = (
  interactionId: string,
  ids: ReadonlyArray<string>,
  messageId: number
): Effect.Effect<void, DbError, Db> =>
  query("linkAttachments", async (db) => {
    if (ids.length === 0) return
    await db
      .update(attachments)
      .set({ messageId })
      .where(
        and(
          eq(attachments.interactionId, interactionId),
          inArray(attachments.id, [...ids]),
          isNull(attachments.messageId)
        )
      )
  })
