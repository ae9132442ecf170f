import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { callbacksOf } from "../../db/queries/callbacks.ts"
import { feedbackOf } from "../../db/queries/feedback.ts"
import { findWorkItem } from "../../db/queries/workItems.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import * as TestNode from "../support/TestNode.ts"
import { connect, login, presence, type WsClient } from "../ws/support.ts"
import { nextMessage, quickCallbacks, textBody, untilText } from "./LiveDesk.ts"
import { janeId, janeSteps1to7 } from "./StorySuite.ts"
import { eventually, interactionsOf, interactiveOf, nodeOptions, quickItems, transcriptOf } from "./support.ts"

const ack = (ws: WsClient, type: string, fields: Record<string, unknown>) =>
  Effect.gen(function* () {
    const reply = yield* ws.command(type, fields)
    assert.strictEqual(reply.type, "ack", `${type}: ${reply.reason ?? ""}`)
    return reply
  })

const shape = (lines: ReadonlyArray<{ direction: string; authorKind: string; kind: string }>) =>
  lines.map((m) => `${m.direction}:${m.authorKind}:${m.kind}`)

/**
 * The acceptance story, steps 1–10, end to end: Jane through the Apple simulator, Ava and then Mia
 * (the mortgage specialist) through real WebSocket clients of the Agent Workspace socket.
 */
describe("acceptance story with live agents on NATS + PostgreSQL", () => {
  it.live(
    "Jane's card, refinance links, a live agent, a call-back with a mortgage specialist, and her feedback",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* TestNode.start(nodeOptions("nats"))
          // The specialists offer call-back slots seconds apart, so the follow-up's time comes within the test.
          yield* quickCallbacks(node, "mortgage_specialists", { slotSeconds: 5, leadSeconds: 4 })
          const jane = node.sim.customers.add({ id: janeId, locale: "en_US", intent: "cards", group: "retail" })

          // Ava opens the Agent Workspace and goes available.
          const avaLogin = yield* login(node, "ava.agent")
          const ava = yield* connect(node, { header: avaLogin.token })
          assert.strictEqual((yield* ava.welcome).type, "welcome")
          yield* presence(ava, "available")

          // 1–7: the card replacement and the refinance links.
          const { linked, links } = yield* janeSteps1to7(node, jane)

          // 8: she asks for a person; Ava is offered the chat with Jane's context and the bot transcript.
          yield* jane.say("Can I talk to a live agent about refinancing?")
          yield* untilText(jane, "connecting you with a live agent")
          const offer = yield* ava.nextEvent((e) => e.type === "offer", "offer")
          const context = offer.body.context as {
            customer: { id: string; name: string } | null
            assets: ReadonlyArray<unknown>
            transcript: ReadonlyArray<{ author: string; kind: string }>
          }
          assert.deepStrictEqual([context.customer?.id, context.customer?.name], [linked.customer.id, "Jane Doe"])
          assert.isAtLeast(context.assets.length, 1)
          assert.isTrue(context.transcript.some((l) => l.author === "bot" && l.kind === "listPicker"))
          const interactionId = String(offer.body.interactionId)
          yield* ack(ava, "accept", { offerId: offer.body.offerId })
          const assigned = yield* ava.nextEvent((e) => e.type === "assigned", "assigned")
          const workItemId = String(assigned.body.workItemId)
          yield* untilText(jane, "You're now chatting with Ava Thompson")

          yield* ack(ava, "send", {
            interactionId,
            clientMessageId: "ava-1",
            content: { kind: "text", body: "Hi Jane, I'm Ava. Would you like a mortgage specialist to call you back?" }
          })
          const hello = yield* nextMessage(jane)
          assert.deepStrictEqual(
            [textBody(hello), hello.autoReply],
            ["Hi Jane, I'm Ava. Would you like a mortgage specialist to call you back?", false]
          )
          yield* ava.nextEvent((e) => e.type === "sent" && e.body.clientMessageId === "ava-1", "sent")
          yield* jane.say("Yes please, that would be great")
          const heard = yield* ava.nextEvent(
            (e) => e.type === "message" && e.body.authorKind === "customer",
            "Jane's message"
          )
          assert.strictEqual((heard.body.body as { text: string }).text, "Yes please, that would be great")

          // 9: a call-back with a mortgage specialist: a time picker of their slots; her choice books it.
          yield* ack(ava, "scheduleCallBack", { interactionId, queue: "mortgage_specialists" })
          const picker = yield* nextMessage(jane)
          const timeslots = interactiveOf(picker).data?.event?.timeslots ?? []
          assert.isAtLeast(timeslots.length, 1)
          yield* SimReplies.pickTime(jane, picker, timeslots[0]!.identifier)
          assert.include(textBody(yield* nextMessage(jane)), "Your call back is booked")
          const booked = yield* ava.nextEvent((e) => e.type === "callBackBooked", "call-back booked")
          const followUpId = String(booked.body.followUpInteractionId)

          // 10: Ava ends the chat and wraps up; the bot asks Jane for feedback, stored against the interaction.
          yield* ack(ava, "close", { interactionId })
          yield* ava.nextEvent(
            (e) => e.type === "interaction" && e.body.state === "closed_complete",
            "interaction closed"
          )
          yield* ack(ava, "wrapUp", { workItemId })
          yield* ack(ava, "complete", { workItemId })
          yield* ava.nextEvent((e) => e.type === "completed", "completed")
          yield* untilText(jane, "Thanks for chatting with us")
          const rating = yield* nextMessage(jane)
          assert.strictEqual(quickItems(rating).length, 5)
          yield* SimReplies.quickReply(jane, rating, "5")
          yield* untilText(jane, "Anything you'd like to add?")
          yield* jane.say("Ava was very helpful")
          yield* untilText(jane, "Goodbye")

          // The call-back's time: the follow-up waits in the specialists' queue until Mia takes it.
          const miaLogin = yield* login(node, "mia.mortgage")
          const mia = yield* connect(node, { header: miaLogin.token })
          yield* presence(mia, "available")
          const callOffer = yield* mia.nextEvent((e) => e.type === "offer", "call-back offer")
          assert.deepStrictEqual(
            [callOffer.body.interactionId, callOffer.body.queue],
            [followUpId, "mortgage_specialists"]
          )
          yield* ack(mia, "accept", { offerId: callOffer.body.offerId })
          yield* untilText(jane, "This is Mia Chen, calling you back as arranged")
          yield* ack(mia, "send", {
            interactionId: followUpId,
            clientMessageId: "mia-1",
            content: { kind: "text", body: "Hi Jane, let's look at your refinance options." }
          })
          assert.strictEqual(textBody(yield* nextMessage(jane)), "Hi Jane, let's look at your refinance options.")

          // The records: two interactions (the follow-up's parent is the first), the call-back, the feedback.
          const [first, second] = yield* eventually(
            interactionsOf(node, janeId),
            (rows) => rows.length === 2 && rows[1]?.state === "work_in_progress"
          )
          assert.deepInclude(first!, {
            id: interactionId,
            type: "messaging",
            subtype: "apple",
            state: "closed_complete",
            assignedTo: avaLogin.userId,
            parentId: null
          })
          assert.deepInclude(second!, {
            id: followUpId,
            type: "messaging",
            subtype: "apple",
            state: "work_in_progress",
            assignedTo: miaLogin.userId,
            parentId: interactionId,
            contactId: first!.contactId,
            consumerId: first!.consumerId
          })
          const [callback] = yield* Effect.provide(callbacksOf(interactionId), node.context)
          assert.deepInclude(callback!, { newInteractionId: followUpId, state: "opened", requestedBy: avaLogin.userId })
          const routed = yield* Effect.provide(findWorkItem(String(callOffer.body.workItemId)), node.context)
          assert.isAtLeast(routed!.createdAt.getTime(), callback!.scheduledAt.getTime())
          const feedback = yield* Effect.provide(feedbackOf(interactionId), node.context)
          assert.deepStrictEqual([feedback?.rating, feedback?.comment], [5, "Ava was very helpful"])

          const lines = yield* transcriptOf(node, interactionId)
          assert.deepStrictEqual(shape(lines), [
            "in:customer:text",
            "out:bot:text",
            "out:bot:text",
            "out:bot:listPicker",
            "in:customer:listPicker",
            "out:bot:form",
            "in:customer:form",
            "out:bot:timePicker",
            "in:customer:timePicker",
            "out:bot:text",
            "out:bot:quickReply",
            "in:customer:text",
            "out:bot:text",
            ...links.map(() => "out:bot:richLink"),
            "out:bot:quickReply",
            // 8
            "in:customer:text",
            "out:bot:text",
            "out:bot:text",
            "out:agent:text",
            "in:customer:text",
            // 9
            "out:bot:timePicker",
            "in:customer:timePicker",
            "out:system:callBackBooked",
            "out:bot:text",
            // 10
            "out:system:agentClosed",
            "out:bot:text",
            "out:bot:quickReply",
            "in:customer:quickReply",
            "out:bot:text",
            "in:customer:text",
            "out:bot:text"
          ])
          assert.deepStrictEqual(
            lines.filter((l) => l.authorKind === "agent").map((l) => l.authorUserId),
            [avaLogin.userId]
          )
          const followUpLines = yield* transcriptOf(node, followUpId)
          assert.deepStrictEqual(shape(followUpLines), ["out:system:callBackDue", "out:bot:text", "out:agent:text"])
          // Every message Jane received is in a transcript, under the Apple id it was sent with, in order.
          const sent = [...lines, ...followUpLines].filter((l) => l.direction === "out" && l.appleMessageId !== null)
          assert.deepStrictEqual(
            sent.map((l) => l.appleMessageId),
            jane.received.map((r) => r.message.id)
          )
          assert.deepStrictEqual(node.sim.violations(), [])
        })
      ),
    { timeout: 150_000 }
  )
})
