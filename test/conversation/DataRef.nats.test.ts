import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Received } from "../../sim/SimCustomer.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import * as TestNode from "../support/TestNode.ts"
import { eventually, interactionsOf, listItems, next, nextText, nodeOptions, transcriptOf } from "./support.ts"

/**
 * An interactive reply over 10 KB reaches the business by reference (`interactiveDataRef`): the
 * node fetches, decrypts and decodes it in the conversation's `prepare` step, before the turn's
 * transaction (actors/conversation/InboundData.ts). What the customer sees must not change.
 */

/** The same picker with a large image, as Apple echoes images back: the reply then travels by reference. */
const withLargeImage = (picker: Received): Received => {
  const interactive = picker.interactive
  if (interactive === undefined) throw new Error("not an interactive message")
  const image = { identifier: "large", data: "A".repeat(16_000) }
  return { ...picker, interactive: { ...interactive, data: { ...interactive.data, images: [image] } } }
}

const cardPicker = (customer: Parameters<typeof next>[0]) =>
  Effect.gen(function* () {
    yield* customer.say("I lost my card")
    yield* nextText(customer)
    yield* nextText(customer)
    return yield* next(customer)
  })

describe("interactive replies sent by reference", () => {
  it.live("a large list-picker reply is fetched before the turn and read like an inline one", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const node = yield* TestNode.start(nodeOptions("nats"))
        const raj = "urn:mbid:AQAAY-demo-raj"
        const customer = node.sim.customers.add({ id: raj })
        const picker = yield* cardPicker(customer)
        const card = listItems(picker)[0]
        assert.isDefined(card)
        yield* SimReplies.pickFromList(customer, withLargeImage(picker), [card!.identifier])
        // The bot goes on with the card chosen (the next step of the replacement topic).
        const after = yield* next(customer)
        assert.notInclude(JSON.stringify(after), "couldn't read")
        const [interaction] = yield* interactionsOf(node, raj)
        const lines = yield* eventually(transcriptOf(node, interaction!.id), (rows) =>
          rows.some((l) => l.kind === "listPicker")
        )
        const chosen = lines.find((l) => l.kind === "listPicker")
        assert.include(JSON.stringify(chosen?.body), card!.identifier)
        assert.isFalse(lines.some((l) => l.kind === "inboundProblem"))
        assert.deepStrictEqual(node.sim.violations(), [])
      })
    )
  )

  it.live("a reply whose reference cannot be fetched is noted in the transcript, and the chat goes on", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const node = yield* TestNode.start(nodeOptions("nats"))
        const maria = "urn:mbid:AQAAY-demo-maria"
        const customer = node.sim.customers.add({ id: maria })
        const picker = yield* cardPicker(customer)
        // Every try of the download fails (the node tries four times).
        node.sim.failNext("preDownload", 500, 4)
        yield* SimReplies.pickFromList(customer, withLargeImage(picker), [listItems(picker)[0]!.identifier])
        // The bot answers the unreadable reply (the chat goes on) and the problem is on record.
        yield* next(customer)
        const [interaction] = yield* interactionsOf(node, maria)
        const lines = yield* eventually(transcriptOf(node, interaction!.id), (rows) =>
          rows.some((l) => l.kind === "inboundProblem")
        )
        const problem = lines.find((l) => l.kind === "inboundProblem")
        assert.include(JSON.stringify(problem?.body), "interactiveDataRef")
        assert.isTrue(lines.some((l) => l.kind === "interactive" && JSON.stringify(l.body).includes("unreadable")))
      })
    )
  )
})
