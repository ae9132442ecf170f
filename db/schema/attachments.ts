import { bigint, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core"
import { interactions, messageDirection, messages } from "./interactions.ts"
import { users } from "./users.ts"

/**
 * A file in an interaction: its bytes are in the object store under `id` (`runtime/ObjectStore.ts`),
 * this row says whose it is, so `GET /api/attachments/:id` can check who may read it, and which
 * transcript line carries it.
 */
export const attachments = pgTable(
  "attachments",
  {
    /** The object store's id. */
    id: text().primaryKey(),
    interactionId: uuid()
      .notNull()
      .references(() => interactions.id),
    /** The transcript line it came or went with; null for an agent's upload not sent yet. */
    messageId: bigint({ mode: "number" }).references(() => messages.id),
    direction: messageDirection().notNull(),
    /** File name as the sender gave it (shown, and offered for download in a safe form). */
    name: text().notNull(),
    contentType: text().notNull(),
    /** Bytes, decrypted. */
    size: integer().notNull(),
    /** The agent who uploaded it (outbound). */
    uploadedBy: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index("attachments_interaction_idx").on(t.interactionId)]
)

export type AttachmentRow = typeof attachments.$inferSelect
