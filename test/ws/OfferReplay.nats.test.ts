import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { appendAgentEvent } from "../../db/queries/agentEvents.ts"
import { appendMessage } from "../../db/queries/messages.ts"
import { settleOffer } from "../../db/queries/workItems.ts"
import { inNode } from "../conversation/support.ts"
import * as TestNode from "../support/TestNode.ts"
import { connect, newStaff, quietOffer } from "./support.ts"

/**
 * An offer as the queue makes it, written straight to the database: the chat with a bot line, the
 * offer row and the agent's numbered `offer` event, in a queue no chat routes to.
 */
const offered = (node: TestNode.TestNode, agentId: string) =>
  inNode(
    node,
    Effect.gen(function* () {
      const { queue, interaction, item, offer } = yield* quietOffer(node, "replay", agentId)
      yield* appendMessage({
        interactionId: interaction.id,
        direction: "in",
        authorKind: "customer",
        kind: "text",
        body: { text: "before the offer" }
      })
      const event = yield* appendAgentEvent(agentId, "offer", {
        offerId: offer.id,
        workItemId: item.id,
        interactionId: interaction.id,
        queue: queue.name,
        channel: "apple_messages"
      })
      return { interactionId: interaction.id, offerId: offer.id, eventId: event.id }
    })
  )

const replayedOffer = (node: TestNode.TestNode, token: string, afterId: number) =>
  Effect.gen(function* () {
    const ws = yield* connect(node, { header: token, query: `?lastEventId=${afterId}` })
    yield* ws.welcome
    return yield* ws.nextEvent((e) => e.type === "offer", "the replayed offer")
  })

layer(TestNode.layer({ infra: "nats" }), { timeout: 120_000, excludeTestServices: true })("replayed offers", (it) => {
  it.scoped("a pending offer replays with the customer's context", () =>
    Effect.gen(function* () {
      const node = yield* TestNode.Current
      const agent = yield* inNode(node, newStaff("replay-pending", "agent_workspace_user"))
      const offer = yield* offered(node, agent.id)
      const event = yield* replayedOffer(node, agent.token, offer.eventId - 1)
      const context = event.body.context as { transcript: ReadonlyArray<{ body: { text: string } }> } | null
      assert.isNotNull(context)
      assert.deepStrictEqual(
        context?.transcript.map((l) => l.body.text),
        ["before the offer"]
      )
    })
  )

  it.scoped("an offer he rejected replays without the chat, so lines written after it never reach him", () =>
    Effect.gen(function* () {
      const node = yield* TestNode.Current
      const agent = yield* inNode(node, newStaff("replay-rejected", "agent_workspace_user"))
      const offer = yield* offered(node, agent.id)
      yield* inNode(
        node,
        Effect.gen(function* () {
          yield* settleOffer(offer.offerId, "rejected", "not my area")
          yield* appendMessage({
            interactionId: offer.interactionId,
            direction: "in",
            authorKind: "customer",
            kind: "text",
            body: { text: "my card number is 4111 1111 1111 1111" }
          })
        })
      )
      const event = yield* replayedOffer(node, agent.token, offer.eventId - 1)
      assert.strictEqual(event.body.offerId, offer.offerId)
      assert.isNull(event.body.context)
    })
  )
})
