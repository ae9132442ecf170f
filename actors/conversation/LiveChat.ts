import { Effect } from "effect"
import { text } from "../../apple/OutboundMessage.ts"
import { linkCaseToInteraction } from "../../db/queries/caseLinks.ts"
import { linkIdentity } from "../../db/queries/identities.ts"
import { closeInteraction, updateInteraction } from "../../db/queries/interactions.ts"
import type { Message as TranscriptLine } from "../../db/schema/interactions.ts"
import * as AgentEvents from "../agent/AgentEvents.ts"
import { optionOf } from "../virtual-agent/Choices.ts"
import type { Input } from "../virtual-agent/Input.ts"
import type {
  AgentClose,
  AgentSend,
  AgentTyping,
  CaseCreated,
  LinkCustomer,
  Transferred
} from "./ConversationProtocol.ts"
import type { ConversationState } from "./ConversationState.ts"
import * as Transcript from "./Transcript.ts"

/**
 * The conversation while a person answers: what the customer does goes to the live agent's
 * workspace, and what the agent does (tells from the workspace socket) goes to the customer.
 * Every agent action applies only while that agent has that interaction live; otherwise the agent
 * is told why, so a stale tab or a second agent cannot write into someone else's chat.
 */

interface AgentRef {
  readonly interactionId: string
  readonly agentId: string
}

/** Why `ref`'s agent may not act in this conversation now; undefined when they may. */
export const refusal = (state: ConversationState, ref: AgentRef): string | undefined =>
  state.interactionId !== ref.interactionId
    ? "that interaction is not open in this chat"
    : state.phase !== "live"
      ? `the chat is not live (it is ${state.phase})`
      : state.liveAgent !== ref.agentId
        ? "another agent has this chat"
        : undefined

export const refuse = (ref: AgentRef, action: string, reason: string, extra: Readonly<Record<string, unknown>> = {}) =>
  Effect.gen(function* () {
    yield* Effect.logInfo("live agent refused").pipe(Effect.annotateLogs({ ...ref, action, reason }))
    yield* AgentEvents.push(ref.agentId, "refused", { interactionId: ref.interactionId, action, reason, ...extra })
  })

/** A transcript line as the workspace shows it (the same shape the transcript stores). */
export const lineEvent = (line: TranscriptLine) => ({
  interactionId: line.interactionId,
  messageId: line.id,
  direction: line.direction,
  authorKind: line.authorKind,
  ...(line.authorUserId !== null ? { authorUserId: line.authorUserId } : {}),
  kind: line.kind,
  body: line.body,
  ...(line.appleMessageId !== null ? { appleMessageId: line.appleMessageId } : {}),
  at: line.createdAt.toISOString()
})

/** Lines written while an agent is live (the customer's, or the bot's on the agent's behalf) reach their workspace. */
/** A live agent is in the chat: what the customer writes is shown to them as it comes. */
export const isLive = (state: ConversationState): boolean => state.phase === "live" && state.liveAgent !== undefined

export const relayLines = (state: ConversationState, lines: ReadonlyArray<TranscriptLine>) =>
  Effect.gen(function* () {
    if (!isLive(state) || state.liveAgent === undefined) return
    for (const line of lines) yield* AgentEvents.push(state.liveAgent, "message", lineEvent(line))
  })

/** The customer's typing indicator: live only, never kept. */
export const relayTyping = (state: ConversationState, active: boolean) =>
  state.phase === "live" && state.liveAgent !== undefined && state.interactionId !== undefined
    ? AgentEvents.signal(state.liveAgent, "typing", { interactionId: state.interactionId, active })
    : Effect.void

/** The customer closed the chat (or became unreachable) while an agent had it: the agent wraps up. */
export const customerLeft = (state: ConversationState, why: "closed" | "unreachable") =>
  state.phase === "live" && state.liveAgent !== undefined && state.interactionId !== undefined
    ? AgentEvents.push(state.liveAgent, "customerClosed", {
        interactionId: state.interactionId,
        reason: why,
        ...(state.liveWorkItem !== undefined ? { workItemId: state.liveWorkItem } : {})
      })
    : Effect.void

export const send = Effect.fnUntraced(function* (
  state: ConversationState,
  to: Transcript.Recipient,
  message: typeof AgentSend.Type
) {
  const echo = { clientMessageId: message.clientMessageId }
  const why = refusal(state, message)
  if (why !== undefined) return yield* refuse(message, "send", why, echo)
  const sent = yield* Transcript.sendAgent(
    to,
    message.agentId,
    message.clientMessageId,
    message.content,
    message.files ?? []
  )
  if (sent._tag === "Refused") return yield* refuse(message, "send", sent.reason, echo)
  const ids = sent.lines.flatMap((l) => (l.appleMessageId === null ? [] : [l.appleMessageId]))
  yield* AgentEvents.push(message.agentId, "sent", {
    interactionId: message.interactionId,
    ...echo,
    appleMessageId: ids[0] ?? null,
    appleMessageIds: ids,
    messageIds: sent.lines.map((l) => l.id),
    repeated: sent.repeated
  })
})

export const typing = Effect.fnUntraced(function* (
  state: ConversationState,
  to: Transcript.Recipient,
  message: typeof AgentTyping.Type
) {
  // A typing indicator from a stale tab is not worth an event: dropped quietly.
  if (refusal(state, message) !== undefined) return
  yield* Transcript.sendTyping(to, message.active)
})

/**
 * The agent ended the chat: the interaction closes as complete and the conversation returns to
 * the bot (which then asks for feedback). The agent's work item is theirs to wrap up and complete.
 */
export const agentClosed = Effect.fnUntraced(function* <S extends ConversationState>(
  state: S,
  to: Transcript.Recipient,
  message: typeof AgentClose.Type
) {
  const why = refusal(state, message)
  if (why !== undefined) {
    yield* refuse(message, "close", why)
    return undefined
  }
  yield* Transcript.note(to, "agentClosed", { agentId: message.agentId })
  yield* closeInteraction(message.interactionId, "closed_complete")
  yield* AgentEvents.push(message.agentId, "interaction", {
    interactionId: message.interactionId,
    state: "closed_complete",
    ...(state.liveWorkItem !== undefined ? { workItemId: state.liveWorkItem } : {})
  })
  const next: S = {
    ...state,
    phase: "bot",
    liveAgent: undefined,
    liveWorkItem: undefined,
    resolved: true,
    closedByAgent: true
  }
  return next
})

/** Whether a message after the agent closed answers the bot's feedback question, rather than starting something new. */
export const answersFeedback = (state: ConversationState, input: Input): boolean => {
  const pending = state.agent.pending
  if (state.agent.topic !== "feedback" || pending === undefined) return false
  if (pending._tag === "Text") return input._tag === "Text"
  if (pending._tag !== "Choice") return false
  return (
    input._tag === "Picked" ||
    (input._tag === "Text" && optionOf(input.text, pending.options, pending.numbered === true) !== undefined)
  )
}

export const linkCustomer = Effect.fnUntraced(function* <S extends ConversationState>(
  state: S,
  to: Transcript.Recipient,
  message: typeof LinkCustomer.Type
) {
  const why = refusal(state, message)
  if (why !== undefined) {
    yield* refuse(message, "linkCustomer", why)
    return state
  }
  yield* linkIdentity({
    businessId: to.businessId,
    opaqueId: to.opaqueId,
    customer: message.customer,
    method: "agent",
    linkedByUserId: message.agentId
  })
  yield* updateInteraction(message.interactionId, { customer: message.customer })
  yield* Transcript.note(to, "customerLinked", { customer: message.customer, agentId: message.agentId })
  yield* AgentEvents.push(message.agentId, "interaction", {
    interactionId: message.interactionId,
    state: "work_in_progress",
    customer: message.customer
  })
  const next: S = { ...state, customer: message.customer }
  return next
})

export const caseCreated = Effect.fnUntraced(function* (
  state: ConversationState,
  to: Transcript.Recipient,
  message: typeof CaseCreated.Type
) {
  const why = refusal(state, message)
  if (why !== undefined) return yield* refuse(message, "caseCreated", why)
  const linked = yield* linkCaseToInteraction(message.caseNumber, message.interactionId)
  yield* Transcript.note(to, "caseCreated", {
    caseNumber: message.caseNumber,
    agentId: message.agentId,
    linked: linked !== undefined
  })
  yield* AgentEvents.push(message.agentId, "interaction", {
    interactionId: message.interactionId,
    state: "work_in_progress",
    caseNumber: message.caseNumber
  })
})

/** The agent handed the chat on: it waits again as the new work item, and the customer is told. */
export const transferred = Effect.fnUntraced(function* <S extends ConversationState>(
  state: S,
  to: Transcript.Recipient,
  message: typeof Transferred.Type
) {
  const why = refusal(state, message)
  if (why !== undefined) {
    yield* refuse(message, "transfer", why)
    return state
  }
  yield* Transcript.note(to, "transferred", {
    from: message.agentId,
    queue: message.queue,
    workItemId: message.workItemId
  })
  yield* Transcript.sendBot(to, text("I'm transferring you to a colleague who can help. Please stay with us."), "text")
  yield* AgentEvents.push(message.agentId, "interaction", {
    interactionId: message.interactionId,
    state: "transferred",
    queue: message.queue,
    workItemId: message.workItemId
  })
  const next: S = { ...state, phase: "queued", liveAgent: undefined, liveWorkItem: message.workItemId }
  return next
})
