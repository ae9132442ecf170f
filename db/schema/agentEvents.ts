import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core"
import { users } from "./users.ts"

/**
 * Everything pushed to an agent's workspace (offers, customer messages, typing is not kept,
 * presence, interaction updates), numbered. A socket that reconnects sends the last id it saw and
 * gets the rest from here, so a dropped connection loses and duplicates nothing.
 */
export const agentEvents = pgTable(
  "agent_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    agentId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    type: text().notNull(),
    body: jsonb().$type<Readonly<Record<string, unknown>>>().notNull(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow()
  },
  (t) => [index("agent_events_agent_idx").on(t.agentId, t.id), index("agent_events_at_idx").on(t.at)]
)

export type AgentEventRow = typeof agentEvents.$inferSelect
