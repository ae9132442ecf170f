import { Effect } from "effect"
import { appendAgentEvent } from "../../db/queries/agentEvents.ts"
import * as Turn from "../../runtime/Turn.ts"
import type { AgentEvent } from "./AgentEvent.ts"
import { agentTopic } from "./AgentProtocol.ts"

export { AgentEvent } from "./AgentEvent.ts"

/**
 * Records the event with the turn's writes and publishes it once the turn commits. Any actor
 * (agent, conversation, queue) pushes to an agent this way; delivery to live sockets is at most
 * once, the table makes it complete.
 */
export const push = Effect.fnUntraced(function* (
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
