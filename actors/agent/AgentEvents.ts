import { Effect, Schema } from "effect"
import { appendAgentEvent } from "../../db/queries/agentEvents.ts"
import * as Turn from "../../runtime/Turn.ts"
import { agentTopic } from "./AgentProtocol.ts"

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

/**
 * Records the event with the turn's writes and publishes it once the turn commits. Any actor
 * (agent, conversation, queue) pushes to an agent this way; delivery to live sockets is at most
 * once, the table makes it complete.
 */
export const push = Effect.fn("AgentEvents.push")(function* (
  agentId: string,
  type: string,
  body: Readonly<Record<string, unknown>> = {}
) {
  const row = yield* appendAgentEvent(agentId, type, body)
  const event: AgentEvent = { id: row.id, type, at: row.at.toISOString(), body }
  yield* Turn.emit(agentTopic(agentId), event)
  return event
})

/** A live-only signal (typing): published after commit, not kept, not replayed on resume. */
export const signal = (agentId: string, type: string, body: Readonly<Record<string, unknown>> = {}) => {
  const event: AgentEvent = { id: null, type, at: new Date().toISOString(), body }
  return Turn.emit(agentTopic(agentId), event)
}
