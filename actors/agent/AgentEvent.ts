import { Schema } from "effect"

/**
 * An event for one agent's workspace as it travels on `<prefix>.evt.agent.<id>`: numbered by the
 * `agent_events` row written in the same turn, so a socket can resume after the last id it saw.
 */
export const AgentEvent = Schema.Struct({
  /** The `agent_events` row; null for signals that are not kept (typing). */
  id: Schema.NullOr(Schema.Number),
  type: Schema.String,
  at: Schema.String,
  body: Schema.Record({ key: Schema.String, value: Schema.Unknown })
})
export type AgentEvent = typeof AgentEvent.Type
