import { sql } from "drizzle-orm"
import {
  type AnyPgColumn,
  boolean,
  check,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uuid
} from "drizzle-orm/pg-core"

/** Advanced Work Assignment configuration: where work waits and what it takes to handle it. */

/** Service channels; Apple Messages for Business is the one this product serves. */
export const serviceChannel = pgEnum("service_channel", ["apple_messages"])
export const assignmentRule = pgEnum("assignment_rule", ["most_capacity", "last_assigned"])

/** Which work a queue takes: every listed condition must hold; an empty object matches everything. */
export interface RoutingConditions {
  readonly intents?: ReadonlyArray<string>
  readonly topics?: ReadonlyArray<string>
  readonly locales?: ReadonlyArray<string>
  readonly requiredSkills?: ReadonlyArray<string>
}

/**
 * When a queue's people can call a customer back (story step 9): slots of `slotSeconds` inside
 * `hoursUtc` [from, to) on `weekdays` (0 = Sunday), the first at least `leadSeconds` from now.
 * Null takes the product default (weekday office hours, half-hour slots).
 */
export interface CallbackSchedule {
  readonly hoursUtc: readonly [number, number]
  readonly weekdays: ReadonlyArray<number>
  readonly slotSeconds: number
  readonly leadSeconds: number
  readonly count: number
}

export const queues = pgTable(
  "queues",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    description: text().notNull().default(""),
    channel: serviceChannel().notNull().default("apple_messages"),
    /** Queues are tried in ascending order; the first whose conditions match takes the work. */
    routingOrder: integer().notNull().default(100),
    routingConditions: jsonb().$type<RoutingConditions>().notNull().default({}),
    assignmentRule: assignmentRule().notNull().default("most_capacity"),
    acceptTimeoutSeconds: integer().notNull().default(60),
    overflowQueueId: uuid().references((): AnyPgColumn => queues.id),
    /** After this long unassigned, work moves to the overflow queue (if any). */
    maxWaitSeconds: integer(),
    callbackSchedule: jsonb().$type<CallbackSchedule>(),
    active: boolean().notNull().default(true),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [
    check("queues_accept_timeout_positive", sql`${t.acceptTimeoutSeconds} > 0`),
    check("queues_max_wait_positive", sql`${t.maxWaitSeconds} is null or ${t.maxWaitSeconds} > 0`)
  ]
)

export const skills = pgTable("skills", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  description: text().notNull().default("")
})

export type Queue = typeof queues.$inferSelect
export type Skill = typeof skills.$inferSelect
export type ServiceChannel = (typeof serviceChannel.enumValues)[number]
export type AssignmentRule = (typeof assignmentRule.enumValues)[number]
