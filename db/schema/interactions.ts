import { sql } from "drizzle-orm"
import {
  type AnyPgColumn,
  bigserial,
  check,
  index,
  jsonb,
  pgEnum,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid
} from "drizzle-orm/pg-core"
import { consumers, contacts } from "./customers.ts"
import { interactionNumberSeq, numberFrom } from "./numbers.ts"
import { queues } from "./queues.ts"
import { users } from "./users.ts"

export const interactionType = pgEnum("interaction_type", ["messaging"])
export const interactionSubtype = pgEnum("interaction_subtype", ["apple"])
export const interactionState = pgEnum("interaction_state", [
  "new",
  "work_in_progress",
  "closed_complete",
  "closed_abandoned"
])

/** How the virtual agent's part of an interaction ended: it answered, a person took over, or the customer left. */
export const botOutcome = pgEnum("bot_outcome", ["resolved", "handed_off", "abandoned"])

/** One customer engagement over a channel: what managers list and agents work on. */
export const interactions = pgTable(
  "interactions",
  {
    id: uuid().primaryKey().defaultRandom(),
    number: text().notNull().unique().default(numberFrom("IMS", interactionNumberSeq)),
    type: interactionType().notNull().default("messaging"),
    subtype: interactionSubtype().notNull().default("apple"),
    state: interactionState().notNull().default("new"),
    /** Null until the customer is identified. */
    contactId: uuid().references(() => contacts.id),
    consumerId: uuid().references(() => consumers.id),
    assignedTo: uuid().references(() => users.id),
    queueId: uuid().references(() => queues.id),
    /** The conversation actor's id (business id + opaque id); ties the interaction to its actor. */
    conversationId: text().notNull(),
    businessId: text().notNull(),
    opaqueId: text().notNull(),
    intent: text(),
    group: text(),
    locale: text(),
    capabilities: text().array().notNull().default([]),
    deviceAgent: text(),
    /** The virtual agent's topic for what the customer asked (routing, the agent's offer, reports). */
    topic: text(),
    /** How they asked it: `question` or `request`. */
    botIntent: text(),
    botOutcome: botOutcome(),
    reason: text(),
    /** The interaction this one follows up (e.g. a scheduled call-back). */
    parentId: uuid().references((): AnyPgColumn => interactions.id),
    openedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp({ withTimezone: true })
  },
  (t) => [
    index("interactions_state_opened_idx").on(t.state, t.openedAt),
    index("interactions_queue_state_idx").on(t.queueId, t.state),
    index("interactions_assignee_state_idx").on(t.assignedTo, t.state),
    index("interactions_contact_idx").on(t.contactId, t.openedAt),
    index("interactions_consumer_idx").on(t.consumerId, t.openedAt),
    index("interactions_conversation_idx").on(t.conversationId, t.openedAt),
    index("interactions_parent_idx").on(t.parentId),
    index("interactions_opened_idx").on(t.openedAt),
    index("interactions_topic_opened_idx").on(t.topic, t.openedAt),
    check("interactions_at_most_one_customer", sql`num_nonnulls(${t.contactId}, ${t.consumerId}) <= 1`),
    check(
      "interactions_closed_at",
      sql`(${t.state} in ('closed_complete', 'closed_abandoned')) = (${t.closedAt} is not null)`
    )
  ]
)

export const messageDirection = pgEnum("message_direction", ["in", "out"])
export const messageAuthorKind = pgEnum("message_author_kind", ["bot", "agent", "customer", "system"])

/** The transcript. Ordered by `id` within an interaction: one actor writes it, one turn at a time. */
export const messages = pgTable(
  "messages",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    interactionId: uuid()
      .notNull()
      .references(() => interactions.id),
    direction: messageDirection().notNull(),
    authorKind: messageAuthorKind().notNull(),
    authorUserId: uuid().references(() => users.id),
    /** Apple's message kind (`text`, `listPicker`, `form`, `close`, …) or ours (`note`). */
    kind: text().notNull(),
    body: jsonb().$type<Readonly<Record<string, unknown>>>().notNull(),
    /** Apple's `id`: unique, so a redelivered webhook can never add a line twice. */
    appleMessageId: text().unique(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index("messages_interaction_created_idx").on(t.interactionId, t.createdAt)]
)

export const feedback = pgTable(
  "feedback",
  {
    id: uuid().primaryKey().defaultRandom(),
    interactionId: uuid()
      .notNull()
      .references(() => interactions.id),
    rating: smallint().notNull(),
    comment: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    // One answer per interaction: a re-sent quick reply replaces, never doubles, the rating.
    uniqueIndex("feedback_interaction_idx").on(t.interactionId),
    index("feedback_created_idx").on(t.createdAt),
    check("feedback_rating_range", sql`${t.rating} between 1 and 5`)
  ]
)

export type Interaction = typeof interactions.$inferSelect
export type InteractionState = (typeof interactionState.enumValues)[number]
export type BotOutcome = (typeof botOutcome.enumValues)[number]
export type Message = typeof messages.$inferSelect
export type MessageDirection = (typeof messageDirection.enumValues)[number]
export type MessageAuthorKind = (typeof messageAuthorKind.enumValues)[number]
export type Feedback = typeof feedback.$inferSelect
