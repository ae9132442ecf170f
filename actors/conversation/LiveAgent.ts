import { Effect } from "effect"
import { text } from "../../apple/OutboundMessage.ts"
import { assignInteraction, closeInteraction, findInteraction } from "../../db/queries/interactions.ts"
import { cancelWaitingWorkItem } from "../../db/queries/routing.ts"
import * as AgentEvents from "../agent/AgentEvents.ts"
import { initial as initialAgent } from "../virtual-agent/AgentState.ts"
import type { Accepted, WaitExceeded } from "./ConversationProtocol.ts"
import type { ConversationState } from "./ConversationState.ts"
import { closedState } from "./Phase.ts"
import * as Transcript from "./Transcript.ts"

/**
 * What the queue and agent actors tell a waiting conversation. Both apply only while the
 * conversation still waits for that interaction; anything else is a message that arrived after
 * the customer moved on.
 */

const waitingFor = (state: ConversationState, interactionId: string): boolean =>
  state.phase === "queued" && state.interactionId === interactionId

/**
 * A booked call-back's follow-up interaction (same conversation, not yet worked), which a
 * specialist may take while the customer is not in another live or queued chat.
 */
const followUpFor = Effect.fnUntraced(function* (
  conversationId: string,
  state: ConversationState,
  interactionId: string
) {
  if (state.phase === "live" || state.phase === "queued") return undefined
  const interaction = yield* findInteraction(interactionId)
  return interaction?.conversationId === conversationId && interaction.parentId !== null && interaction.state === "new"
    ? interaction
    : undefined
})

/** An agent took the chat: the interaction is theirs and the conversation goes live. */
export const accepted = Effect.fnUntraced(function* <S extends ConversationState>(
  conversationId: string,
  state: S,
  to: Transcript.Recipient,
  message: typeof Accepted.Type
) {
  let current: S = state
  let lead = `You're now chatting with ${message.agentName}.`
  if (!waitingFor(state, message.interactionId)) {
    const followUp = yield* followUpFor(conversationId, state, message.interactionId)
    if (followUp === undefined) {
      yield* Effect.logWarning("agent accepted a conversation no longer waiting").pipe(
        Effect.annotateLogs({ conversationId, interactionId: message.interactionId, agentId: message.agentId })
      )
      // The agent holds the work item but cannot chat: they hear why, and complete it.
      yield* AgentEvents.push(message.agentId, "refused", {
        interactionId: message.interactionId,
        workItemId: message.workItemId,
        action: "accept",
        reason:
          state.phase === "live" || state.phase === "queued"
            ? "the customer is in another chat right now"
            : "the chat is no longer waiting"
      })
      return state
    }
    // The specialist calls back: the chat moves to the follow-up interaction.
    if (state.interactionId !== undefined && state.interactionId !== followUp.id)
      yield* closeInteraction(state.interactionId, closedState(state.resolved))
    current = { ...state, interactionId: followUp.id, resolved: false, callBack: undefined, agent: initialAgent }
    lead = `Hello again! This is ${message.agentName}, calling you back as arranged.`
  }
  const here: Transcript.Recipient = { ...to, interactionId: message.interactionId }
  yield* assignInteraction(message.interactionId, message.agentId)
  yield* Transcript.sendBot(here, text(lead), "text")
  const next: S = {
    ...current,
    phase: "live",
    liveAgent: message.agentId,
    liveWorkItem: message.workItemId,
    closedByAgent: undefined
  }
  return next
})

/**
 * Nobody took the chat within the last queue's maximum wait: the work item is withdrawn (unless an
 * agent took it at this very moment — then their acceptance follows) and the bot offers a call-back
 * or a case instead.
 */
export const waitExceeded = Effect.fnUntraced(function* <S extends ConversationState>(
  state: S,
  to: Transcript.Recipient,
  message: typeof WaitExceeded.Type
) {
  if (!waitingFor(state, message.interactionId)) return state
  const withdrawn = yield* cancelWaitingWorkItem(message.workItemId)
  if (withdrawn === undefined) return state
  yield* Transcript.sendBot(
    to,
    text(
      'I\'m sorry for the wait: all our agents are busy right now. I can arrange a call back, or open a case so someone follows up. Just say "call back" or "case".'
    ),
    "text"
  )
  return { ...state, phase: "bot" as const }
})
