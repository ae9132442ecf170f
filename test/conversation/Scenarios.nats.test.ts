import { randomUUID } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { assetsOf } from "../../db/queries/assets.ts"
import { findIdentity } from "../../db/queries/identities.ts"
import { openWorkItemOf } from "../../db/queries/workItems.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import * as TestNode from "../support/TestNode.ts"
import { eventually, inNode, interactionsOf, listItems, next, nextText, nodeOptions, transcriptOf } from "./support.ts"

const raj = "urn:mbid:AQAAY-demo-raj"
const maria = "urn:mbid:AQAAY-demo-maria"

describe("conversation scenarios on NATS + PostgreSQL", () => {
  it.live(
    "a forged card is refused, 'agent' mid-topic queues, a close mid-topic abandons, a duplicate is stored once",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* TestNode.start(nodeOptions("nats"))
          const customer = node.sim.customers.add({ id: raj })
          yield* customer.say("I lost my card")
          yield* nextText(customer)
          yield* nextText(customer)
          const picker = yield* next(customer)
          // Maria's card, forged into Raj's reply.
          const mariaRef = (yield* inNode(node, findIdentity(node.businessId, maria)))!.customer
          const [foreign] = yield* inNode(node, assetsOf(mariaRef))
          const own = listItems(picker).map((i) => i.identifier)
          assert.notInclude(own, foreign!.id)
          const forged = {
            ...picker.interactive!,
            data: {
              ...picker.interactive!.data,
              listPicker: { sections: [{ items: [{ identifier: foreign!.id, title: "x" }] }] }
            }
          }
          yield* customer.replyInteractive(forged as Record<string, unknown>)
          assert.include(yield* nextText(customer), "isn't available to you")
          const again = yield* next(customer)
          assert.deepStrictEqual(
            listItems(again)
              .map((i) => i.identifier)
              .sort(),
            [...own].sort()
          )

          // "agent" at any step.
          yield* customer.say("agent")
          assert.include(yield* nextText(customer), "live agent")
          const [interaction] = yield* interactionsOf(node, raj)
          const item = yield* eventually(inNode(node, openWorkItemOf(interaction!.id)), (w) => w !== undefined)
          assert.isDefined(item)

          // Maria: a duplicate Apple id is stored once; a close mid-topic abandons the interaction.
          const m = node.sim.customers.add({ id: maria })
          const id = randomUUID()
          const body = {
            v: 1,
            id,
            sourceId: maria,
            destinationId: node.businessId,
            type: "text",
            body: "replace my card"
          }
          yield* m.post(body)
          yield* m.post(body)
          yield* nextText(m)
          yield* nextText(m)
          const mp = yield* next(m)
          yield* SimReplies.pickFromList(m, mp, [listItems(mp)[0]!.identifier])
          yield* next(m)
          yield* m.close()
          const [closed] = yield* eventually(
            interactionsOf(node, maria),
            (rows) => rows[0]?.state === "closed_abandoned"
          )
          assert.strictEqual(closed?.state, "closed_abandoned")
          const lines = yield* transcriptOf(node, closed!.id)
          assert.strictEqual(lines.filter((l) => l.appleMessageId === id).length, 1)
          assert.strictEqual(lines[lines.length - 1]?.kind, "close")
          assert.deepStrictEqual(node.sim.violations(), [])
        })
      ),
    { timeout: 120_000 }
  )
})
