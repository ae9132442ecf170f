import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Agent, AgentStatus } from "../../actors/agent/AgentProtocol.ts"
import { agentEventsSince } from "../../db/queries/agentEvents.ts"
import { findInteraction } from "../../db/queries/interactions.ts"
import { findWorkItem, offersOf } from "../../db/queries/workItems.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import { deviceOf, E2eNode, nodeLayer, perTest } from "../conversation/sharedNode.ts"
import { inNode } from "../conversation/support.ts"
import { agentDesk, connect, eventually, goLive, leave, presence, untilText, type WsEvent } from "./support.ts"

// Read when the node starts: a disconnected agent goes Offline 1.5 s after their last socket.
process.env.AGENT_OFFLINE_AFTER_MS = "1500"

const jane = "jane.doe@example.com"
const noList = ["QUICK", "TIME", "FORM", "AUTH2"]

const isMessage = (text: string) => (e: WsEvent) =>
  e.type === "message" && (e.body.body as { text?: string } | undefined)?.text === text

const textsOf = (events: ReadonlyArray<WsEvent>) =>
  events
    .filter((e) => e.type === "message" && e.body.direction === "in")
    .map((e) => (e.body.body as { text: string }).text)

layer(nodeLayer("nats"), { timeout: 150_000, excludeTestServices: true })(
  "agent workspace over a real socket (NATS)",
  (it) => {
    it.scoped(
      "an available agent gets Jane's offer with her context, accepts, reads her messages; a list picker her device cannot show is refused",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const desk = yield* agentDesk(node, "ws-story")
          yield* presence(desk.ws, "available")
          const { device } = yield* deviceOf(node, jane, { capabilities: noList })
          const live = yield* goLive(device, desk)

          const context = live.offer.body.context as {
            customer: { name: string; kind: string } | null
            assets: ReadonlyArray<{ maskedNumber: string }>
            openCases: ReadonlyArray<unknown>
            transcript: ReadonlyArray<{ direction: string; body: { text?: string } }>
            interaction: { capabilities: ReadonlyArray<string> }
          }
          assert.deepInclude(context.customer, { name: "Jane Doe", kind: "contact" })
          assert.isAbove(context.assets.length, 0)
          assert.isArray(context.openCases)
          assert.isTrue(context.transcript.some((l) => l.direction === "in" && l.body.text === "agent"))
          assert.deepStrictEqual([...context.interaction.capabilities].sort(), [...noList].sort())

          yield* device.say("An ATM kept my card")
          const inbound = yield* desk.ws.nextEvent(isMessage("An ATM kept my card"), "Jane's message")
          assert.deepInclude(inbound.body, { interactionId: live.interactionId, direction: "in" })

          const picker = { kind: "listPicker", title: "Which card?", items: [{ id: "1", title: "Visa" }] }
          const refused = yield* desk.ws.command("send", {
            interactionId: live.interactionId,
            clientMessageId: "c-picker",
            content: picker
          })
          assert.deepInclude(refused, {
            type: "error",
            code: "capability_missing",
            reason: "customer's device lacks LIST"
          })

          const sent = yield* desk.ws.command("send", {
            interactionId: live.interactionId,
            clientMessageId: "c-text",
            content: { kind: "text", body: "Sorry about that, I'm blocking it now." }
          })
          assert.strictEqual(sent.type, "ack")
          const got = yield* untilText(device, "blocking it now")
          assert.strictEqual(got.autoReply, false)
          const echo = yield* desk.ws.nextEvent((e) => e.type === "sent", "sent")
          assert.strictEqual(echo.body.clientMessageId, "c-text")
          yield* leave(desk)
        }),
      perTest
    )

    it.scoped(
      "the socket drops mid-conversation while Jane keeps writing; a resume gets exactly what was missed, nothing twice",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const desk = yield* agentDesk(node, "ws-resume")
          yield* presence(desk.ws, "available")
          const { device } = yield* deviceOf(node, jane)
          const live = yield* goLive(device, desk)
          yield* device.say("one")
          yield* desk.ws.nextEvent(isMessage("one"), "one")

          desk.ws.raw.terminate()
          yield* desk.ws.closed
          const seen = desk.ws.events.flatMap((e) => (e.id === null ? [] : [e.id]))
          const lastEventId = Math.max(...seen)
          yield* device.say("two")
          yield* device.say("three")
          yield* eventually(
            inNode(node, agentEventsSince(desk.user.id, lastEventId, 100)),
            (rows) => rows.filter((r) => r.type === "message" && r.body.direction === "in").length >= 2,
            "two and three recorded"
          )

          // A browser's way back: no header, the token and the last id seen in the first frame.
          const again = yield* connect(node)
          yield* again.sendRaw(JSON.stringify({ v: 1, type: "hello", ref: "h", token: desk.user.token, lastEventId }))
          yield* again.welcome
          yield* again.nextEvent(isMessage("three"), "three, replayed")
          yield* device.say("four")
          yield* again.nextEvent(isMessage("four"), "four, live")
          assert.deepStrictEqual(textsOf(again.events), ["two", "three", "four"])

          const resumed = again.events.flatMap((e) => (e.id === null ? [] : [e.id]))
          assert.strictEqual(new Set(resumed).size, resumed.length, "no event twice")
          assert.isTrue(
            resumed.every((id) => id > lastEventId),
            "nothing seen before the drop"
          )
          const recorded = yield* inNode(node, agentEventsSince(desk.user.id, lastEventId, 1000))
          const upToFour = recorded.filter((r) => r.id <= Math.max(...resumed)).map((r) => r.id)
          assert.deepStrictEqual(
            [...resumed].sort((a, b) => a - b),
            upToFour,
            "every event recorded after the drop arrived"
          )
          assert.strictEqual(
            (yield* inNode(node, findInteraction(live.interactionId)))?.assignedTo,
            desk.user.id,
            "the chat stayed with the agent"
          )
          yield* leave({ ws: again })
        }),
      perTest
    )

    it.scoped(
      "an agent whose socket closes mid-offer goes Offline after the grace, and the offer goes to another agent",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const first = yield* agentDesk(node, "ws-gone")
          const second = yield* agentDesk(node, "ws-stays")
          yield* presence(first.ws, "available")
          const { device } = yield* deviceOf(node, jane)
          yield* device.say("agent")
          const offer = yield* first.ws.nextEvent((e) => e.type === "offer", "offer to the first agent")
          yield* first.ws.close()
          yield* presence(second.ws, "available")

          const next = yield* second.ws.nextEvent((e) => e.type === "offer", "offer to the second agent", 30_000)
          assert.strictEqual(next.body.workItemId, offer.body.workItemId)
          const accepted = yield* second.ws.command("accept", { offerId: next.body.offerId })
          assert.strictEqual(accepted.type, "ack")
          yield* untilText(device, "You're now chatting with ws-stays")
          const workItemId = String(offer.body.workItemId)
          const item = yield* inNode(node, findWorkItem(workItemId))
          assert.deepInclude(item, { state: "assigned", assignedTo: second.user.id })
          const offers = yield* inNode(node, offersOf(workItemId))
          assert.deepStrictEqual(
            offers.map((o) => [o.agentId, o.state]),
            [
              [first.user.id, "rejected"],
              [second.user.id, "accepted"]
            ]
          )
          assert.include(offers[0]?.reason ?? "", "offline")
          yield* leave(second)
        }),
      perTest
    )

    it.scoped(
      "a socket that comes back within the grace keeps the agent Available; the last one gone for good sets them Offline",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const desk = yield* agentDesk(node, "ws-blip")
          yield* presence(desk.ws, "available")
          const statusOf = Effect.flatMap(ActorSystem, (sys) => sys.ask(Agent, desk.user.id, new AgentStatus()))
          const stateOf = Effect.map(
            Effect.provide(statusOf, node.context),
            (s) => [s.channels[0]?.state, s.sessions] as const
          )

          desk.ws.raw.terminate()
          const back = yield* connect(node, { header: desk.user.token })
          yield* back.welcome
          yield* Effect.sleep("3 seconds")
          assert.deepStrictEqual(yield* stateOf, ["available", 1])

          yield* back.close()
          const gone = yield* eventually(stateOf, ([state]) => state === "offline", "offline after the grace")
          assert.deepStrictEqual(gone, ["offline", 0])
        }),
      perTest
    )
  }
)
