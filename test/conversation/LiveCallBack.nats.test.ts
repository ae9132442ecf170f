import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Complete, SetPresence } from "../../actors/agent/AgentProtocol.ts"
import { AgentClose, AgentSend, OfferCallBack } from "../../actors/conversation/ConversationProtocol.ts"
import { text } from "../../apple/OutboundMessage.ts"
import { callbacksOf } from "../../db/queries/callbacks.ts"
import { findInteraction } from "../../db/queries/interactions.ts"
import { findQueueByName } from "../../db/queries/queues.ts"
import { findWorkItem } from "../../db/queries/workItems.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import {
  available,
  desk,
  goLive,
  liveWithAva,
  nextEvent,
  nextMessage,
  quickCallbacks,
  tellAgent,
  tellConversation,
  textBody,
  untilText
} from "./LiveDesk.ts"
import { deviceOf, E2eNode, nodeLayer, perTest } from "./sharedNode.ts"
import { inNode, interactiveOf, transcriptOf } from "./support.ts"

const raj = "raj.patel@example.com"
layer(nodeLayer("nats"), { timeout: 120_000, excludeTestServices: true })(
  "call-backs offered by a live agent (NATS)",
  (it) => {
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
          // Her answer (not a feedback rating for Ava's chat) reaches Mia in the follow-up.
          yield* device.say("Great, thank you")
          const reply = yield* nextEvent(mia, "message", (e) => e.body.authorKind === "customer")
          assert.deepInclude(reply.body, { interactionId: followUp!.id, kind: "text" })
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
          yield* quickCallbacks(node, "mortgage_specialists", { leadSeconds: 3600 })
          const { ava, device, live } = yield* liveWithAva(node, raj, { capabilities: ["QUICK", "LIST"] })
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
