import { randomBytes } from "node:crypto"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { appendAgentEvent } from "../../db/queries/agentEvents.ts"
import { findInteraction } from "../../db/queries/interactions.ts"
import { createQueue } from "../../db/queries/queues.ts"
import { findWorkItem, offersOf } from "../../db/queries/workItems.ts"
import { deviceOf, E2eNode, nodeLayer, perTest } from "../conversation/sharedNode.ts"
import { inNode } from "../conversation/support.ts"
import { agentDesk, connect, eventually, goLive, leave, newSkill, newStaff, presence, untilText } from "./support.ts"

// Read when the node starts: a small send buffer that must drain within a second.
process.env.WS_MAX_BUFFERED_BYTES = "65536"
process.env.WS_DRAIN_TIMEOUT_MS = "1000"

const jane = "jane.doe@example.com"

layer(nodeLayer("nats"), { timeout: 150_000, excludeTestServices: true })(
  "agent workspace: transfers and slow clients (NATS)",
  (it) => {
    it.scoped(
      "a transfer to another queue reaches an agent of that queue, who takes the chat",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const skill = yield* inNode(node, newSkill("ws-mortgage"))
          const target = yield* inNode(
            node,
            createQueue({
              name: `ws-specialists-${randomBytes(4).toString("hex")}`,
              routingConditions: { intents: ["ws-transfer-only"], requiredSkills: [skill.name] }
            })
          )
          const generalist = yield* agentDesk(node, "ws-generalist")
          const specialist = yield* agentDesk(node, "ws-specialist", [skill.id])
          yield* presence(generalist.ws, "available")
          const { device } = yield* deviceOf(node, jane)
          const live = yield* goLive(device, generalist)
          yield* presence(specialist.ws, "available")

          const moved = yield* generalist.ws.command("transfer", {
            interactionId: live.interactionId,
            toQueue: target.name
          })
          assert.strictEqual(moved.type, "ack")
          const transferred = yield* generalist.ws.nextEvent((e) => e.type === "transferred", "transferred")
          assert.deepInclude(transferred.body, { interactionId: live.interactionId, queue: target.name })

          const offer = yield* specialist.ws.nextEvent(
            (e) => e.type === "offer" && e.body.interactionId === live.interactionId,
            "the specialist's offer"
          )
          assert.strictEqual(offer.body.queue, target.name)
          const accepted = yield* specialist.ws.command("accept", { offerId: offer.body.offerId })
          assert.strictEqual(accepted.type, "ack")
          yield* untilText(device, "You're now chatting with ws-specialist")
          const interaction = yield* eventually(
            inNode(node, findInteraction(live.interactionId)),
            (i) => i?.assignedTo === specialist.user.id,
            "assigned to the specialist"
          )
          assert.strictEqual(interaction?.queueId, target.id)
          assert.strictEqual((yield* inNode(node, findWorkItem(live.workItemId)))?.state, "closed")

          // The generalist no longer owns the chat: their commands on it are refused.
          const late = yield* generalist.ws.command("typing", { interactionId: live.interactionId, active: true })
          assert.strictEqual(late.code, "not_found")
          yield* leave(generalist, specialist)
        }),
      perTest
    )

    it.scoped(
      "a client that stops reading is dropped with 1013 and resumes where it stopped",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const user = yield* inNode(node, newStaff("ws-slow", "agent_workspace_user"))
          const big = "x".repeat(100_000)
          for (let i = 0; i < 120; i++) yield* inNode(node, appendAgentEvent(user.id, "note", { i, big }))

          const slow = yield* connect(node, { header: user.token })
          yield* slow.welcome
          slow.raw.pause()
          yield* slow.sendRaw(JSON.stringify({ v: 1, type: "hello", ref: "h", lastEventId: 0 }))
          yield* Effect.sleep("2500 millis")
          slow.raw.resume()
          assert.strictEqual(yield* slow.closed, 1013)
          const got = slow.events.flatMap((e) => (e.id === null ? [] : [e.id]))
          assert.isBelow(got.length, 120)

          const back = yield* connect(node, { header: user.token, query: `?lastEventId=${Math.max(0, ...got)}` })
          yield* back.welcome
          yield* back.nextEvent((e) => e.type === "note" && e.body.i === 119, "the last note")
          const all = [...got, ...back.events.flatMap((e) => (e.type === "note" && e.id !== null ? [e.id] : []))]
          assert.strictEqual(new Set(all).size, 120)
          assert.strictEqual(all.length, 120)
        }),
      perTest
    )

    it.scoped(
      "a transfer to a named agent offers them the chat directly, and they take it",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const first = yield* agentDesk(node, "ws-first")
          const colleague = yield* agentDesk(node, "ws-colleague")
          yield* presence(first.ws, "available")
          const { device } = yield* deviceOf(node, jane)
          const live = yield* goLive(device, first)
          yield* presence(colleague.ws, "available")

          const moved = yield* first.ws.command("transfer", {
            interactionId: live.interactionId,
            toAgent: colleague.user.id
          })
          assert.strictEqual(moved.type, "ack")
          const transferred = yield* first.ws.nextEvent((e) => e.type === "transferred", "transferred")
          assert.strictEqual(transferred.body.toAgent, colleague.user.id)
          const offer = yield* colleague.ws.nextEvent(
            (e) => e.type === "offer" && e.body.interactionId === live.interactionId,
            "the colleague's offer"
          )
          const workItemId = String(offer.body.workItemId)
          assert.strictEqual(workItemId, transferred.body.newWorkItemId)
          assert.strictEqual(
            (offer.body.context as { customer: { name: string } }).customer.name,
            "Jane Doe",
            "the colleague sees who it is"
          )
          assert.strictEqual((yield* colleague.ws.command("accept", { offerId: offer.body.offerId })).type, "ack")
          yield* untilText(device, "You're now chatting with ws-colleague")
          const offers = yield* inNode(node, offersOf(workItemId))
          assert.deepStrictEqual(
            offers.map((o) => [o.agentId, o.state, o.reason]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
            [
              [colleague.user.id, "accepted", null],
              [first.user.id, "rejected", "transferred"]
            ],
            "offered to the named agent only, never back to the one who handed it on"
          )
          yield* eventually(
            inNode(node, findInteraction(live.interactionId)),
            (i) => i?.assignedTo === colleague.user.id,
            "assigned to the colleague"
          )
          yield* leave(first, colleague)
        }),
      perTest
    )

    it.scoped(
      "a resume also sends an event numbered below the last id but never seen (turns commit out of order), and nothing seen",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const user = yield* inNode(node, newStaff("ws-gap", "agent_workspace_user"))
          const ids: Array<number> = []
          for (let i = 0; i < 5; i++) ids.push((yield* inNode(node, appendAgentEvent(user.id, "note", { i }))).id)
          const [a, b, c, d, e] = ids as [number, number, number, number, number]
          // The client got a, b, d and e; c was still on its way when the socket dropped.
          const ws = yield* connect(node)
          yield* ws.sendRaw(
            JSON.stringify({ v: 1, type: "hello", ref: "h", token: user.token, lastEventId: e, seen: [a, b, d, e] })
          )
          yield* ws.welcome
          yield* ws.nextEvent((x) => x.id === c, "the event in the gap")
          yield* presence(ws, "away")
          const live = ws.events.find((x) => x.type === "presence")
          assert.deepStrictEqual(
            ws.events.flatMap((x) => (x.id === null ? [] : [x.id])),
            [c, live?.id]
          )
        }),
      perTest
    )
  }
)
