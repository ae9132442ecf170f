import { sql } from "drizzle-orm"
import {
  bigserial,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid
} from "drizzle-orm/pg-core"
import { interactions } from "./interactions.ts"
import { queues, serviceChannel, skills } from "./queues.ts"
import { users } from "./users.ts"

/** Advanced Work Assignment at run time: agents' skills, capacity and presence; work and its offers. */

export const agentSkills = pgTable(
  "agent_skills",
  {
    agentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    skillId: uuid()
      .notNull()
      .references(() => skills.id, { onDelete: "cascade" }),
    level: smallint().notNull().default(1)
  },
  (t) => [primaryKey({ columns: [t.agentId, t.skillId] }), index("agent_skills_skill_idx").on(t.skillId)]
)

export const presenceState = pgEnum("presence_state", ["available", "away", "offline"])

/** Per agent and channel: capacity (ServiceNow's default is 3 chats) and the current presence. */
export const agentChannels = pgTable(
  "agent_channels",
  {
    agentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: serviceChannel().notNull(),
    capacity: integer().notNull().default(3),
    presence: presenceState().notNull().default("offline"),
    presenceAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    primaryKey({ columns: [t.agentId, t.channel] }),
    index("agent_channels_presence_idx").on(t.channel, t.presence),
    check("agent_channels_capacity", sql`${t.capacity} between 0 and 50`)
  ]
)

/** Every presence change, for managers' reports; `agent_channels.presence` is the current value. */
export const presenceHistory = pgTable(
  "presence_history",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    agentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    channel: serviceChannel().notNull(),
    state: presenceState().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index("presence_history_agent_idx").on(t.agentId, t.at), index("presence_history_at_idx").on(t.at)]
)

export const workItemState = pgEnum("work_item_state", ["queued", "offered", "assigned", "closed", "cancelled"])

export const workItems = pgTable(
  "work_items",
  {
    id: uuid().primaryKey().defaultRandom(),
    interactionId: uuid()
      .notNull()
      .references(() => interactions.id),
    queueId: uuid()
      .notNull()
      .references(() => queues.id),
    /** 1 is most urgent; ties go to the longest waiting. */
    priority: smallint().notNull().default(3),
    state: workItemState().notNull().default("queued"),
    offeredTo: uuid().references(() => users.id),
    assignedTo: uuid().references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    offeredAt: timestamp({ withTimezone: true }),
    assignedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true })
  },
  (t) => [
    index("work_items_queue_waiting_idx").on(t.queueId, t.state, t.priority, t.createdAt),
    index("work_items_assigned_idx").on(t.assignedTo, t.state),
    // Offers in front of an agent count against their capacity on every routing decision.
    index("work_items_offered_idx").on(t.offeredTo).where(sql`${t.state} = 'offered'`),
    // One live work item per interaction, so a retried "queue me" cannot queue the customer twice.
    uniqueIndex("work_items_open_interaction_idx")
      .on(t.interactionId)
      .where(sql`${t.state} in ('queued', 'offered', 'assigned')`),
    check("work_items_priority_range", sql`${t.priority} between 1 and 5`)
  ]
)

export const offerState = pgEnum("offer_state", ["offered", "accepted", "rejected", "timed_out"])

export const offers = pgTable(
  "offers",
  {
    id: uuid().primaryKey().defaultRandom(),
    workItemId: uuid()
      .notNull()
      .references(() => workItems.id),
    agentId: uuid()
      .notNull()
      .references(() => users.id),
    state: offerState().notNull().default("offered"),
    reason: text(),
    offeredAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    respondedAt: timestamp({ withTimezone: true })
  },
  (t) => [
    index("offers_work_item_idx").on(t.workItemId, t.offeredAt),
    index("offers_agent_state_idx").on(t.agentId, t.state),
    uniqueIndex("offers_one_pending_idx").on(t.workItemId).where(sql`${t.state} = 'offered'`)
  ]
)

export const callbackState = pgEnum("callback_state", ["scheduled", "opened", "completed", "cancelled"])

/** A call-back an agent promised: at `scheduledAt` it opens `newInteractionId` in `queueId`. */
export const callbacks = pgTable(
  "callbacks",
  {
    id: uuid().primaryKey().defaultRandom(),
    interactionId: uuid()
      .notNull()
      .references(() => interactions.id),
    newInteractionId: uuid().references(() => interactions.id),
    queueId: uuid()
      .notNull()
      .references(() => queues.id),
    requestedBy: uuid().references(() => users.id),
    scheduledAt: timestamp({ withTimezone: true }).notNull(),
    state: callbackState().notNull().default("scheduled"),
    note: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index("callbacks_due_idx").on(t.state, t.scheduledAt), index("callbacks_interaction_idx").on(t.interactionId)]
)

export type AgentChannel = typeof agentChannels.$inferSelect
export type PresenceState = (typeof presenceState.enumValues)[number]
export type PresenceChange = typeof presenceHistory.$inferSelect
export type WorkItem = typeof workItems.$inferSelect
export type WorkItemState = (typeof workItemState.enumValues)[number]
export type Offer = typeof offers.$inferSelect
export type OfferState = (typeof offerState.enumValues)[number]
export type Callback = typeof callbacks.$inferSelect
