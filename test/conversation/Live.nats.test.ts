import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Complete, SetPresence, WrapUp } from "../../actors/agent/AgentProtocol.ts"
import { AgentClose, AgentSend, AgentTyping, OfferCallBack } from "../../actors/conversation/ConversationProtocol.ts"
import { callbacksOf } from "../../db/queries/callbacks.ts"
import { feedbackOf } from "../../db/queries/feedback.ts"
import { findInteraction } from "../../db/queries/interactions.ts"
import { findQueueByName } from "../../db/queries/queues.ts"
import { findWorkItem, openWorkItemOf } from "../../db/queries/workItems.ts"
import { text } from "../../http/apple/OutboundMessage.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import {
  available,
  desk,
  goLive,
  nextEvent,
  nextMessage,
  quickCallbacks,
  tellAgent,
  tellConversation,
  textBody,
  untilText
} from "./LiveDesk.ts"
import { deviceOf, E2eNode, nodeLayer, perTest } from "./sharedNode.ts"
import { eventually, inNode, interactionsOf, interactiveOf, quickItems, transcriptOf } from "./support.ts"

const raj = "raj.patel@example.com"
const shape = (lines: ReadonlyArray<{ direction: string; authorKind: string; kind: string }>) =>
  lines.map((m) => `${m.direction}:${m.authorKind}:${m.kind}`)

layer(nodeLayer("nats"), { timeout: 120_000, excludeTestServices: true })(
  "live chat between a customer and an agent (NATS)",
  (it) => {
    it.scoped(
      "messages both ways in transcript order, typing relayed, a retried send sent once, another agent refused",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const ava = yield* desk(node, "ava.agent")
          const leo = yield* desk(node, "leo.agent")
          yield* available(node, ava)
          const { device } = yield* deviceOf(node, raj)
          const live = yield* goLive(node, device, ava)
          const ref = { interactionId: live.interactionId, agentId: ava.id }

          // Customer → agent: typing (a signal, not kept), then the message as the transcript has it.
          yield* device.say("An ATM kept my card")
          const typing = yield* nextEvent(ava, "typing")
          assert.deepStrictEqual([typing.id, typing.body], [null, { interactionId: live.interactionId, active: true }])
          const inbound = yield* nextEvent(ava, "message")
          assert.isNumber(inbound.id)
          assert.deepInclude(inbound.body, {
            interactionId: live.interactionId,
            direction: "in",
            authorKind: "customer",
            kind: "text"
          })
          assert.strictEqual((inbound.body.body as { text: string }).text, "An ATM kept my card")

          // Agent → customer: typing, then a message a person wrote (auto-reply false).
          yield* tellConversation(node, device, AgentTyping.make({ ...ref, active: true }))
          const dots = yield* device.next((r) => r.message.type === "typing_start")
          assert.strictEqual(dots.autoReply, false)
          const first = AgentSend.make({ ...ref, clientMessageId: "c-1", content: text("Sorry! I'll block it now.") })
          yield* tellConversation(node, device, first)
          const sent = yield* nextEvent(ava, "sent")
          assert.strictEqual(sent.body.clientMessageId, "c-1")
          const got = yield* nextMessage(device)
          assert.deepStrictEqual([textBody(got), got.autoReply], ["Sorry! I'll block it now.", false])
          assert.strictEqual(got.message.id, sent.body.appleMessageId)

          // The same client id again is acknowledged, not sent again; Leo may not write into Ava's chat.
          yield* tellConversation(node, device, first)
          const again = yield* nextEvent(ava, "sent")
          assert.deepStrictEqual([again.body.appleMessageId, again.body.repeated], [sent.body.appleMessageId, true])
          const intruder = { interactionId: live.interactionId, agentId: leo.id, clientMessageId: "x-1" }
          yield* tellConversation(node, device, AgentSend.make({ ...intruder, content: text("Hi from Leo") }))
          const refused = yield* nextEvent(leo, "refused")
          assert.deepInclude(refused.body, { clientMessageId: "x-1", reason: "another agent has this chat" })
          yield* tellConversation(
            node,
            device,
            AgentSend.make({ ...ref, clientMessageId: "c-2", content: text("Done.") })
          )
          yield* nextEvent(ava, "sent", (e) => e.body.clientMessageId === "c-2")
          assert.strictEqual(textBody(yield* nextMessage(device)), "Done.")

          const lines = yield* transcriptOf(node, live.interactionId)
          assert.deepStrictEqual(shape(lines), [
            "in:customer:text",
            "out:bot:text",
            "out:bot:text",
            "out:bot:text",
            "in:customer:text",
            "out:agent:text",
            "out:agent:text"
          ])
          const agentLines = lines.filter((l) => l.authorKind === "agent")
          assert.deepStrictEqual(
            agentLines.map((l) => l.authorUserId),
            [ava.id, ava.id]
          )
          assert.strictEqual(inbound.body.messageId, lines[4]?.id)
          assert.deepStrictEqual(device.received.filter((r) => textBody(r) === "Sorry! I'll block it now.").length, 1)
          yield* tellAgent(node, ava.id, Complete.make({ workItemId: live.workItemId }))
          yield* nextEvent(ava, "completed")
        }),
      { timeout: perTest }
    )

    it.scoped(
      "the customer closing a live chat tells the agent, who still wraps it up; the next message starts afresh with the bot",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const ava = yield* desk(node, "ava.agent")
          yield* available(node, ava)
          const { device } = yield* deviceOf(node, raj)
          const live = yield* goLive(node, device, ava)
          yield* device.close()
          const closed = yield* nextEvent(ava, "customerClosed")
          assert.deepStrictEqual(closed.body, {
            interactionId: live.interactionId,
            reason: "closed",
            workItemId: live.workItemId
          })
          const interaction = yield* inNode(node, findInteraction(live.interactionId))
          assert.strictEqual(interaction?.state, "closed_abandoned")
          // Still the agent's: capacity frees when they complete it, not behind their back.
          assert.strictEqual((yield* inNode(node, openWorkItemOf(live.interactionId)))?.state, "assigned")
          const ref = { interactionId: live.interactionId, agentId: ava.id }
          yield* tellConversation(
            node,
            device,
            AgentSend.make({ ...ref, clientMessageId: "late", content: text("Hello?") })
          )
          const refused = yield* nextEvent(ava, "refused")
          assert.strictEqual(refused.body.clientMessageId, "late")
          yield* tellAgent(node, ava.id, WrapUp.make({ workItemId: live.workItemId }))
          yield* tellAgent(node, ava.id, Complete.make({ workItemId: live.workItemId }))
          yield* nextEvent(ava, "completed")
          assert.strictEqual((yield* inNode(node, findWorkItem(live.workItemId)))?.state, "closed")

          // Writing again: a new interaction, answered by the bot (nobody is live any more).
          yield* device.say("What are my home refinance options?")
          const answer = yield* nextMessage(device)
          assert.strictEqual(answer.autoReply, true)
          const rows = yield* eventually(interactionsOf(node, device.id), (r) => r.length === 2)
          assert.deepStrictEqual(
            rows.map((r) => r.assignedTo),
            [ava.id, null]
          )
        }),
      { timeout: perTest }
    )

    it.scoped(
      "the agent closes: the interaction completes, the bot asks for feedback, and the rating is stored against it",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const ava = yield* desk(node, "ava.agent")
          yield* available(node, ava)
          const { device } = yield* deviceOf(node, raj)
          const live = yield* goLive(node, device, ava)
          const ref = { interactionId: live.interactionId, agentId: ava.id }
          yield* tellConversation(node, device, AgentClose.make(ref))
          const update = yield* nextEvent(ava, "interaction")
          assert.deepInclude(update.body, { interactionId: live.interactionId, state: "closed_complete" })
          assert.strictEqual((yield* inNode(node, findInteraction(live.interactionId)))?.state, "closed_complete")
          yield* untilText(device, "Thanks for chatting with us")
          const rating = yield* nextMessage(device)
          assert.strictEqual(rating.autoReply, true)
          assert.deepStrictEqual(
            quickItems(rating).map((i) => i.identifier),
            ["5", "4", "3", "2", "1"]
          )
          // A second close (a double click) is refused: the chat is no longer live.
          yield* tellConversation(node, device, AgentClose.make(ref))
          assert.include(String((yield* nextEvent(ava, "refused")).body.reason), "not live")

          yield* SimReplies.quickReply(device, rating, "4")
          yield* untilText(device, "Anything you'd like to add?")
          yield* device.say("Ava sorted it out quickly")
          yield* untilText(device, "Goodbye")
          const stored = yield* eventually(inNode(node, feedbackOf(live.interactionId)), (f) => f !== undefined)
          assert.deepStrictEqual([stored?.rating, stored?.comment], [4, "Ava sorted it out quickly"])
          const after = yield* inNode(node, findInteraction(live.interactionId))
          assert.strictEqual(after?.state, "closed_complete")
          assert.strictEqual(after?.assignedTo, ava.id)
          const lines = yield* transcriptOf(node, live.interactionId)
          assert.deepStrictEqual(shape(lines).slice(4), [
            "out:system:agentClosed",
            "out:bot:text",
            "out:bot:quickReply",
            "in:customer:quickReply",
            "out:bot:text",
            "in:customer:text",
            "out:bot:text"
          ])
          yield* tellAgent(node, ava.id, WrapUp.make({ workItemId: live.workItemId }))
          yield* tellAgent(node, ava.id, Complete.make({ workItemId: live.workItemId }))
          yield* nextEvent(ava, "completed")
        }),
      { timeout: perTest }
    )

    it.scoped(
      "a call-back: the customer picks a slot, a follow-up interaction is booked and reaches the specialists at its time",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const ava = yield* desk(node, "ava.agent")
          const mia = yield* desk(node, "mia.mortgage")
          yield* available(node, ava)
          yield* quickCallbacks(node, "mortgage_specialists")
          const specialists = yield* inNode(node, findQueueByName("mortgage_specialists"))
          const { device } = yield* deviceOf(node, raj)
          const live = yield* goLive(node, device, ava)
          const ref = { interactionId: live.interactionId, agentId: ava.id }

          yield* tellConversation(node, device, OfferCallBack.make({ ...ref, queue: "mortgage_specialists" }))
          // The agent's view shows the bot's picker in the chat.
          assert.strictEqual((yield* nextEvent(ava, "message")).body.kind, "timePicker")
          const offered = yield* nextEvent(ava, "callBackOffered")
          const picker = yield* nextMessage(device)
          const timeslots = interactiveOf(picker).data?.event?.timeslots ?? []
          assert.strictEqual(timeslots.length, 3)
          assert.deepStrictEqual(
            timeslots.map((t) => t.identifier),
            (offered.body.slots as ReadonlyArray<{ id: string }>).map((s) => s.id)
          )
          const slot = (offered.body.slots as ReadonlyArray<{ id: string; start: string }>)[0]!
          yield* SimReplies.pickTime(device, picker, slot.id)
          assert.include(textBody(yield* nextMessage(device)), "Your call back is booked")
          const booked = yield* nextEvent(ava, "callBackBooked")
          assert.strictEqual(booked.body.scheduledAt, slot.start)

          const [callback] = yield* inNode(node, callbacksOf(live.interactionId))
          assert.strictEqual(callback?.queueId, specialists?.id)
          assert.strictEqual(callback?.requestedBy, ava.id)
          assert.strictEqual(callback?.scheduledAt.toISOString(), slot.start)
          const followUp = yield* inNode(node, findInteraction(callback!.newInteractionId!))
          const parent = (yield* inNode(node, findInteraction(live.interactionId)))!
          assert.deepInclude(followUp!, {
            type: "messaging",
            subtype: "apple",
            state: "new",
            parentId: live.interactionId,
            conversationId: parent.conversationId,
            contactId: parent.contactId
          })
          assert.strictEqual(booked.body.followUpInteractionId, followUp?.id)

          // Ava ends her chat; at the booked time the follow-up is offered to the mortgage specialist.
          yield* tellConversation(node, device, AgentClose.make(ref))
          yield* tellAgent(node, ava.id, Complete.make({ workItemId: live.workItemId }))
          yield* tellAgent(node, mia.id, SetPresence.make({ channel: "apple_messages", state: "available" }))
          const offer = yield* nextEvent(mia, "offer")
          assert.strictEqual(offer.body.interactionId, followUp?.id)
          assert.strictEqual(offer.body.queue, "mortgage_specialists")
          const item = yield* inNode(node, findWorkItem(String(offer.body.workItemId)))
          assert.isAtLeast(item!.createdAt.getTime(), new Date(slot.start).getTime())
          assert.strictEqual((yield* inNode(node, callbacksOf(live.interactionId)))[0]?.state, "opened")

          // Mia takes it: the chat moves to the follow-up, live with her.
          yield* tellAgent(node, mia.id, { _tag: "Accept", offerId: String(offer.body.offerId) })
          yield* untilText(device, "calling you back as arranged")
          const miaRef = { interactionId: followUp!.id, agentId: mia.id }
          yield* tellConversation(
            node,
            device,
            AgentSend.make({ ...miaRef, clientMessageId: "m-1", content: text("Let's compare your options.") })
          )
          assert.strictEqual(textBody(yield* untilText(device, "compare")), "Let's compare your options.")
          const child = yield* inNode(node, findInteraction(followUp!.id))
          assert.deepStrictEqual([child?.state, child?.assignedTo], ["work_in_progress", mia.id])
          yield* tellConversation(node, device, AgentClose.make(miaRef))
          yield* tellAgent(node, mia.id, Complete.make({ workItemId: String(offer.body.workItemId) }))
          yield* tellAgent(node, mia.id, SetPresence.make({ channel: "apple_messages", state: "offline" }))
        }),
      { timeout: perTest }
    )

    it.scoped(
      "a device without time pickers books the call-back by number",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const ava = yield* desk(node, "ava.agent")
          yield* available(node, ava)
          yield* quickCallbacks(node, "mortgage_specialists", { leadSeconds: 3600 })
          const { device } = yield* deviceOf(node, raj, { capabilities: ["QUICK", "LIST"] })
          const live = yield* goLive(node, device, ava)
          const ref = { interactionId: live.interactionId, agentId: ava.id }
          yield* tellConversation(node, device, OfferCallBack.make({ ...ref, queue: "mortgage_specialists" }))
          const offered = yield* nextEvent(ava, "callBackOffered")
          const listed = textBody(yield* nextMessage(device))
          assert.match(listed, /^Pick a time for your call back\n1\. /)
          yield* device.say("2")
          assert.include(textBody(yield* nextMessage(device)), "Your call back is booked")
          const [callback] = yield* inNode(node, callbacksOf(live.interactionId))
          const second = (offered.body.slots as ReadonlyArray<{ start: string }>)[1]
          assert.strictEqual(callback?.scheduledAt.toISOString(), second?.start)
          const lines = yield* transcriptOf(node, live.interactionId)
          const picker = lines.find(
            (l) => l.authorKind === "bot" && (l.body as { substitution?: unknown }).substitution
          )
          assert.deepInclude(picker?.body.substitution as object, { missing: "TIME", original: "timePicker" })
          yield* tellConversation(node, device, AgentClose.make(ref))
          yield* tellAgent(node, ava.id, Complete.make({ workItemId: live.workItemId }))
          yield* nextEvent(ava, "completed")
        }),
      { timeout: perTest }
    )
  }
)
