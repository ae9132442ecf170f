import { Effect } from "effect"
import { interactive, text } from "../../apple/OutboundMessage.ts"
import * as TimePicker from "../../apple/TimePicker.ts"
import { findCallback, markCallbackOpened, scheduleCallback } from "../../db/queries/callbacks.ts"
import { findInteraction, openInteraction, updateInteraction } from "../../db/queries/interactions.ts"
import { appendMessage } from "../../db/queries/messages.ts"
import { findQueue, findQueueByName } from "../../db/queries/queues.ts"
import { enqueueWorkItem } from "../../db/queries/workItems.ts"
import * as Turn from "../../runtime/Turn.ts"
import * as AgentEvents from "../agent/AgentEvents.ts"
import { Enqueued, Queue } from "../queue/QueueProtocol.ts"
import type { Input } from "../virtual-agent/Input.ts"
import { slotLabel } from "../virtual-agent/Render.ts"
import { defaultSchedule, nextSlots } from "./CallBackSlots.ts"
import { CallBackDue, Conversation, type OfferCallBack } from "./ConversationProtocol.ts"
import type { CallBackOffer, ConversationState } from "./ConversationState.ts"
import * as LiveChat from "./LiveChat.ts"
import * as Transcript from "./Transcript.ts"

/**
 * Story step 9: the live agent offers a call-back from a specialist queue. The bot sends the
 * customer a time picker of that queue's slots; their choice books a call-back and opens a
 * follow-up interaction (parent = this one), and a persistent timer routes it to the queue at
 * the chosen time.
 */

/**
 * Apple's `startTime` has minute precision. Real slots start on whole minutes; a sub-minute test
 * slot shows the next whole minute (never one already past), while the booking keeps its exact time.
 */
const shown = (start: Date): Date => new Date(Math.ceil(start.getTime() / 60_000) * 60_000)

export const timerKey = (callbackId: string) => `callback-${callbackId}`

export const offer = Effect.fnUntraced(function* <S extends ConversationState>(
  state: S,
  to: Transcript.Recipient,
  message: typeof OfferCallBack.Type
) {
  const why = LiveChat.refusal(state, message)
  if (why !== undefined) {
    yield* LiveChat.refuse(message, "offerCallBack", why)
    return state
  }
  const queue = yield* findQueueByName(message.queue)
  if (queue === undefined || !queue.active) {
    yield* LiveChat.refuse(message, "offerCallBack", `there is no active queue ${message.queue}`)
    return state
  }
  const slots = nextSlots(queue.callbackSchedule ?? defaultSchedule, new Date())
  if (slots.length === 0) {
    yield* LiveChat.refuse(message, "offerCallBack", `${message.queue} has no call-back times in the next two weeks`)
    return state
  }
  const built = TimePicker.make({
    title: "Pick a time for your call back",
    replyTitle: "Call back booked",
    slots: slots.map((s) => ({ identifier: s.id, start: shown(s.start), durationSeconds: s.seconds }))
  })
  const lines = yield* Transcript.sendBotLines(to, interactive(built), "timePicker")
  yield* LiveChat.relayLines(state, lines)
  const pending: CallBackOffer = {
    agentId: message.agentId,
    queue: queue.name,
    slots: slots.map((s) => ({ id: s.id, start: s.start.toISOString(), label: slotLabel(s.start) })),
    requestIdentifier: built.data.requestIdentifier
  }
  yield* AgentEvents.push(message.agentId, "callBackOffered", {
    interactionId: message.interactionId,
    queue: queue.name,
    slots: pending.slots
  })
  const next: S = { ...state, callBack: pending }
  return next
})

/** The slot the customer chose: the time picker's reply, or a number typed on a device without TIME. */
export const chosen = (pending: CallBackOffer, input: Input) => {
  if (input._tag === "Slot") return pending.slots.find((s) => s.id === input.id)
  if (input._tag === "Text" && /^\d{1,2}$/.test(input.text.trim())) return pending.slots[Number(input.text.trim()) - 1]
  return undefined
}

export const book = Effect.fnUntraced(function* <S extends ConversationState>(
  conversationId: string,
  state: S,
  to: Transcript.Recipient,
  slot: CallBackOffer["slots"][number]
) {
  const pending = state.callBack
  const parentId = state.interactionId
  if (pending === undefined || parentId === undefined) return state
  const cleared: S = { ...state, callBack: undefined }
  const queue = yield* findQueueByName(pending.queue)
  if (queue === undefined) {
    yield* Transcript.sendBot(to, text("Sorry, I couldn't book that call back. Please ask again."), "text")
    return cleared
  }
  const parent = yield* findInteraction(parentId)
  const scheduledAt = new Date(slot.start)
  const followUp = yield* openInteraction({
    conversationId,
    businessId: to.businessId,
    opaqueId: to.opaqueId,
    capabilities: to.capabilities,
    ...(to.locale !== undefined ? { locale: to.locale } : {}),
    ...(to.deviceAgent !== undefined ? { deviceAgent: to.deviceAgent } : {}),
    ...(parent?.intent != null ? { intent: parent.intent } : {}),
    ...(parent?.group != null ? { group: parent.group } : {}),
    ...(state.customer !== undefined ? { customer: state.customer } : {}),
    parentId,
    queueId: queue.id,
    topic: "call_back",
    reason: `Call back from ${queue.name} at ${slot.label}`
  })
  const callback = yield* scheduleCallback({
    interactionId: parentId,
    newInteractionId: followUp.id,
    queueId: queue.id,
    scheduledAt,
    requestedBy: pending.agentId
  })
  yield* Turn.schedule(
    Conversation,
    conversationId,
    timerKey(callback.id),
    CallBackDue.make({ callbackId: callback.id }),
    scheduledAt
  )
  yield* Transcript.note(to, "callBackBooked", {
    callbackId: callback.id,
    followUp: followUp.number,
    queue: queue.name,
    scheduledAt: slot.start
  })
  const lines = yield* Transcript.sendBotLines(
    to,
    text(`Your call back is booked for ${slot.label}. A specialist will message you here then.`),
    "text"
  )
  yield* LiveChat.relayLines(state, lines)
  yield* AgentEvents.push(pending.agentId, "callBackBooked", {
    interactionId: parentId,
    callbackId: callback.id,
    followUpInteractionId: followUp.id,
    followUpNumber: followUp.number,
    queue: queue.name,
    scheduledAt: slot.start
  })
  return cleared
})

/**
 * The booked time came: the follow-up interaction gets a work item in the specialists' queue.
 * The call-back moves from `scheduled` once, so a timer fired twice routes it once.
 */
export const due = Effect.fnUntraced(function* (message: typeof CallBackDue.Type) {
  const callback = yield* findCallback(message.callbackId)
  if (callback?.newInteractionId == null || callback.state !== "scheduled") return
  const opened = yield* markCallbackOpened(callback.id, callback.newInteractionId)
  const queue = yield* findQueue(callback.queueId)
  if (opened === undefined || queue === undefined) return
  const item = yield* enqueueWorkItem({ interactionId: callback.newInteractionId, queueId: queue.id })
  yield* updateInteraction(callback.newInteractionId, { queueId: queue.id })
  yield* appendMessage({
    interactionId: callback.newInteractionId,
    direction: "out",
    authorKind: "system",
    kind: "callBackDue",
    body: { callbackId: callback.id, parentId: callback.interactionId, scheduledAt: callback.scheduledAt.toISOString() }
  })
  yield* Turn.tell(Queue, queue.name, Enqueued.make({ workItemId: item.id }))
  yield* Effect.logInfo(`call-back due: follow-up queued in ${queue.name}`).pipe(
    Effect.annotateLogs({ callbackId: callback.id, interactionId: callback.newInteractionId, workItemId: item.id })
  )
})
