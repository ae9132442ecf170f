import { assert, it } from "@effect/vitest"
import { Effect } from "effect"
import { assetsOf } from "../../db/queries/assets.ts"
import { casesOfInteraction } from "../../db/queries/cases.ts"
import { feedbackOf } from "../../db/queries/feedback.ts"
import { findIdentity } from "../../db/queries/identities.ts"
import { replacementOrdersOfInteraction } from "../../db/queries/replacementOrders.ts"
import type { SimCustomer } from "../../sim/SimCustomer.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import * as TestNode from "../support/TestNode.ts"
import {
  assertBot,
  eventually,
  inNode,
  interactionsOf,
  interactiveOf,
  listItems,
  next,
  nextText,
  nodeOptions,
  quickItems,
  transcriptOf
} from "./support.ts"

export const janeId = "urn:mbid:AQAAY-demo-jane"

/**
 * Steps 1–7 of the story for Jane on `node`: the card replacement (list picker, form, time picker,
 * confirmation) and the refinance links. Ends with the bot's "anything else?" quick reply.
 */
export const janeSteps1to7 = (node: TestNode.TestNode, jane: SimCustomer) =>
  Effect.gen(function* () {
    // 1–2: she writes; the bot knows her and opens an interaction.
    yield* jane.say("I need a replacement credit card")
    assert.strictEqual(yield* nextText(jane), "Hi Jane!")
    assert.strictEqual(yield* nextText(jane), "I can help you replace a card.")

    // 3: a list picker of her own cards.
    const picker = yield* next(jane)
    assertBot(picker)
    const items = listItems(picker)
    const linked = yield* inNode(node, findIdentity(node.businessId, janeId))
    const cards = yield* inNode(node, assetsOf(linked!.customer))
    assert.deepStrictEqual(items.map((i) => i.identifier).sort(), cards.map((c) => c.id).sort())
    const visa = cards.find((c) => c.productName === "Parley Rewards Visa Signature")!
    assert.strictEqual(interactiveOf(picker).receivedMessage?.title, "Which card would you like to replace?")
    yield* SimReplies.pickFromList(jane, picker, [visa.id])

    // 4: the form, address and phone prefilled from her record (kept by leaving them empty).
    const form = yield* next(jane)
    const pages = interactiveOf(form).data?.dynamic?.data.pages ?? []
    assert.deepStrictEqual(
      pages.map((p) => p.pageIdentifier),
      ["reason", "dateLost", "address", "phone"]
    )
    assert.include(pages.find((p) => p.pageIdentifier === "address")?.options?.placeholder ?? "", "500 Market Street")
    yield* SimReplies.submitForm(jane, form, { reason: "Lost", dateLost: "2026-03-10" })

    // 5: the delivery slot.
    const slots = yield* next(jane)
    const event = interactiveOf(slots).data?.event
    assert.isAtLeast(event?.timeslots.length ?? 0, 3)
    const slot = event!.timeslots[1]!
    yield* SimReplies.pickTime(jane, slots, slot.identifier)

    // 6: confirmed, 3–5 business days.
    const confirmation = yield* nextText(jane)
    assert.include(confirmation, "Parley Rewards Visa Signature •••• 4821")
    assert.include(confirmation, "3–5 business days")
    assert.include(confirmation, "blocked")
    const more = yield* next(jane)
    assert.deepStrictEqual(
      quickItems(more).map((i) => i.identifier),
      ["yes", "no"]
    )

    // 7: refinance question → knowledge and community links.
    yield* jane.say("What are my home refinance options?")
    const found = yield* nextText(jane)
    assert.match(found, /^Here is what I found:/)
    const links = []
    let r = yield* next(jane)
    while (r.message.type === "richLink") {
      links.push(r.message.richLinkData)
      r = yield* next(jane)
    }
    assert.isAtLeast(links.length, 2)
    assert.isTrue(links.every((l) => /\/(kb|community)\/[^/]+$/.test(l.url)))
    assert.isTrue(links.some((l) => l.url.includes("/kb/")))
    assert.isTrue(links.some((l) => /refinanc/i.test(l.title ?? "")))

    return { linked: linked!, visa, links, more: r }
  })

/** The acceptance story, steps 1–7 and 10, through the real edge, runtime, database and simulator. */
export const storySuite = (infra: "nats" | "embedded") =>
  it.live(
    `Jane replaces a lost credit card, reads about refinancing and leaves feedback (${infra})`,
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* TestNode.start(nodeOptions(infra))
          const jane = node.sim.customers.add({ id: janeId, locale: "en_US", intent: "cards", group: "retail" })

          const { linked, visa, links, more: r } = yield* janeSteps1to7(node, jane)

          // 10: no more help → feedback quick reply, then a comment.
          yield* SimReplies.quickReply(jane, r, "no")
          const rating = yield* next(jane)
          assert.strictEqual(quickItems(rating).length, 5)
          yield* SimReplies.quickReply(jane, rating, "5")
          assert.include(yield* nextText(jane), "Anything you'd like to add?")
          yield* jane.say("Quick and easy, thanks")
          assert.include(yield* nextText(jane), "Goodbye")

          // The records.
          const [interaction] = yield* eventually(
            interactionsOf(node, janeId),
            (rows) => rows[0]?.state === "closed_complete"
          )
          assert.strictEqual(interaction?.type, "messaging")
          assert.strictEqual(interaction?.subtype, "apple")
          assert.strictEqual(interaction?.state, "closed_complete")
          assert.strictEqual(interaction?.contactId ?? interaction?.consumerId, linked!.customer.id)
          assert.deepStrictEqual(
            [interaction?.intent, interaction?.group, interaction?.locale],
            ["cards", "retail", "en_US"]
          )
          const id = interaction!.id
          const orders = yield* inNode(node, replacementOrdersOfInteraction(id))
          assert.strictEqual(orders.length, 1)
          assert.strictEqual(orders[0]?.reason, "lost")
          assert.strictEqual(orders[0]?.assetId, visa.id)
          assert.strictEqual(orders[0]?.dateLost, "2026-03-10")
          assert.include(orders[0]?.deliveryAddress ?? "", "500 Market Street")
          const cases = yield* inNode(node, casesOfInteraction(id))
          assert.strictEqual(cases.length, 1)
          assert.strictEqual(cases[0]?.assetId, visa.id)
          const blocked = yield* inNode(node, assetsOf(linked!.customer))
          assert.strictEqual(blocked.find((c) => c.id === visa.id)?.status, "blocked")
          const feedback = yield* inNode(node, feedbackOf(id))
          assert.deepStrictEqual([feedback?.rating, feedback?.comment], [5, "Quick and easy, thanks"])

          const lines = yield* transcriptOf(node, id)
          const shape = lines.map((m) => `${m.direction}:${m.authorKind}:${m.kind}`)
          const expected = [
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
            "in:customer:quickReply",
            "out:bot:quickReply",
            "in:customer:quickReply",
            "out:bot:text",
            "in:customer:text",
            "out:bot:text"
          ]
          assert.deepStrictEqual(shape, expected)
          // Outbound lines carry the Apple message id they were sent under.
          const sent = jane.received.map((x) => x.message.id)
          assert.deepStrictEqual(
            lines.filter((m) => m.direction === "out").map((m) => m.appleMessageId),
            sent
          )
          assert.deepStrictEqual(node.sim.violations(), [])
        })
      ),
    { timeout: 120_000 }
  )
