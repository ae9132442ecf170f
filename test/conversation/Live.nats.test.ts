import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Complete, SetPresence, Transfer, WrapUp } from "../../actors/agent/AgentProtocol.ts"
import {
  AgentClose,
  AgentSend,
  AgentTyping,
  CaseCreated,
  LinkCustomer
} from "../../actors/conversation/ConversationProtocol.ts"
import { text } from "../../apple/OutboundMessage.ts"
import { casesOfInteraction, createCase } from "../../db/queries/cases.ts"
import { findCustomerByEmail } from "../../db/queries/customers.ts"
import { feedbackOf } from "../../db/queries/feedback.ts"
import { findInteraction } from "../../db/queries/interactions.ts"
import { findWorkItem, openWorkItemOf } from "../../db/queries/workItems.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import {
  available,
  desk,
  goLive,
  liveWithAva,
  nextEvent,
  nextMessage,
  tellAgent,
  tellConversation,
  textBody,
  untilText
} from "./LiveDesk.ts"
import { deviceOf, E2eNode, identityRow, nodeLayer, perTest, stranger } from "./sharedNode.ts"
import { eventually, inNode, interactionsOf, quickItems, transcriptOf } from "./support.ts"

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
          const { ava, device, live } = yield* liveWithAva(node, raj)
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
          const { ava, device, live } = yield* liveWithAva(node, raj)
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
      "after the agent closes, a new question instead of feedback opens a new interaction",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const { ava, device, live } = yield* liveWithAva(node, raj)
          yield* tellConversation(node, device, AgentClose.make({ interactionId: live.interactionId, agentId: ava.id }))
          yield* untilText(device, "Thanks for chatting with us")
          const rating = yield* nextMessage(device)
          assert.strictEqual(quickItems(rating).length, 5)
          const before = yield* transcriptOf(node, live.interactionId)
          yield* device.say("What are my home refinance options?")
          assert.match(textBody(yield* untilText(device, "Here is what I found")), /^Here is what I found/)
          const rows = yield* eventually(interactionsOf(node, device.id), (r) => r.length === 2)
          assert.deepStrictEqual(
            rows.map((r) => [r.id === live.interactionId, r.state]),
            [
              [true, "closed_complete"],
              [false, "new"]
            ]
          )
          assert.strictEqual((yield* transcriptOf(node, live.interactionId)).length, before.length)
          assert.strictEqual(yield* inNode(node, feedbackOf(live.interactionId)), undefined)
          yield* tellAgent(node, ava.id, Complete.make({ workItemId: live.workItemId }))
          yield* nextEvent(ava, "completed")
        }),
      { timeout: perTest }
    )

    it.scoped(
      "a transfer to another agent: the customer is told and continues with them; they link the guest and note a case",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const ava = yield* desk(node, "ava.agent")
          const leo = yield* desk(node, "leo.agent")
          yield* available(node, ava)
          const guest = stranger(node, "guest")
          const live = yield* goLive(node, guest, ava)
          yield* available(node, leo)
          yield* tellAgent(node, ava.id, Transfer.make({ interactionId: live.interactionId, to: { agent: leo.id } }))
          yield* untilText(guest, "transferring you to a colleague")
          const handed = yield* nextEvent(ava, "interaction", (e) => e.body.state === "transferred")
          const offer = yield* nextEvent(leo, "offer")
          assert.deepStrictEqual(
            [offer.body.interactionId, offer.body.workItemId],
            [live.interactionId, handed.body.workItemId]
          )
          yield* tellAgent(node, leo.id, { _tag: "Accept", offerId: String(offer.body.offerId) })
          yield* untilText(guest, "You're now chatting with Leo Martinez")
          const byAva = { interactionId: live.interactionId, agentId: ava.id }
          const byLeo = { interactionId: live.interactionId, agentId: leo.id }
          yield* tellConversation(
            node,
            guest,
            AgentSend.make({ ...byAva, clientMessageId: "a-9", content: text("Hi?") })
          )
          assert.strictEqual((yield* nextEvent(ava, "refused")).body.reason, "another agent has this chat")

          // Leo finds out who the guest is: the Apple id is linked, the interaction opened for them.
          const rajRef = (yield* inNode(node, findCustomerByEmail(raj)))!
          yield* tellConversation(node, guest, LinkCustomer.make({ ...byLeo, customer: rajRef }))
          const linked = yield* nextEvent(leo, "interaction", (e) => e.body.customer !== undefined)
          assert.deepStrictEqual(linked.body.customer, rajRef)
          const [identity] = yield* identityRow(node, guest.id)
          assert.deepInclude(identity!, { linkedBy: "agent", linkedByUserId: leo.id })
          const opened = yield* inNode(node, findInteraction(live.interactionId))
          assert.strictEqual(opened?.contactId ?? opened?.consumerId, rajRef.id)
          assert.strictEqual(opened?.assignedTo, leo.id)

          // A case Leo opened from the workspace is tied to the interaction and noted in the transcript.
          const kase = yield* inNode(
            node,
            createCase({ customer: rajRef, shortDescription: "Card kept by an ATM", openedBy: leo.id })
          )
          yield* tellConversation(node, guest, CaseCreated.make({ ...byLeo, caseNumber: kase.number }))
          yield* nextEvent(leo, "interaction", (e) => e.body.caseNumber === kase.number)
          const cases = yield* inNode(node, casesOfInteraction(live.interactionId))
          assert.deepStrictEqual(
            cases.map((c) => c.number),
            [kase.number]
          )
          yield* tellConversation(
            node,
            guest,
            AgentSend.make({ ...byLeo, clientMessageId: "l-1", content: text(`Your case is ${kase.number}.`) })
          )
          assert.strictEqual(textBody(yield* nextMessage(guest)), `Your case is ${kase.number}.`)
          const lines = yield* transcriptOf(node, live.interactionId)
          assert.deepStrictEqual(
            lines.filter((l) => l.authorKind === "system").map((l) => l.kind),
            ["transferred", "customerLinked", "caseCreated"]
          )
          assert.deepStrictEqual(
            lines.filter((l) => l.authorKind === "agent").map((l) => l.authorUserId),
            [leo.id]
          )
          yield* tellConversation(node, guest, AgentClose.make(byLeo))
          yield* tellAgent(node, leo.id, Complete.make({ workItemId: String(offer.body.workItemId) }))
          yield* nextEvent(leo, "completed")
          yield* tellAgent(node, leo.id, SetPresence.make({ channel: "apple_messages", state: "offline" }))
        }),
      { timeout: perTest }
    )
  }
)
