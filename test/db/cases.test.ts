import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { createAsset, findAsset } from "../../db/queries/assets.ts"
import {
  casesOf,
  casesOfInteraction,
  createCase,
  findCaseByNumber,
  openCasesOf,
  updateCase
} from "../../db/queries/cases.ts"
import {
  createCatalogItem,
  createCatalogRequest,
  findCatalogItem,
  listCatalogItems,
  requestsOf,
  setRequestState
} from "../../db/queries/catalog.ts"
import {
  addBusinessDays,
  placeReplacementOrder,
  replacementOrdersOfAsset,
  replacementOrdersOfInteraction
} from "../../db/queries/replacementOrders.ts"
import { dbLayers, newConsumer, newContact, newInteraction, unique } from "./support.ts"

for (const [name, dbLayer] of dbLayers()) {
  layer(dbLayer, { timeout: 60_000 })(`cases, replacement orders, catalog (${name})`, (it) => {
    it.effect("creates cases with CS numbers and lists a customer's open ones only", () =>
      Effect.gen(function* () {
        const customer = yield* newContact()
        const stranger = yield* newConsumer()
        const interaction = yield* newInteraction(customer)
        const a = yield* createCase({
          customer,
          shortDescription: "Card declined abroad",
          interactionId: interaction.id
        })
        const b = yield* createCase({ customer, shortDescription: "Statement question", priority: 2 })
        assert.match(a.number, /^CS\d{7}$/)
        assert.strictEqual(a.state, "new")
        yield* updateCase(b.id, { state: "resolved" })
        assert.deepStrictEqual(
          (yield* openCasesOf(customer)).map((c) => c.id),
          [a.id]
        )
        assert.lengthOf(yield* casesOf(customer), 2)
        assert.lengthOf(yield* casesOf(stranger), 0)
        assert.strictEqual((yield* findCaseByNumber(a.number))?.id, a.id)
        assert.deepStrictEqual(
          (yield* casesOfInteraction(interaction.id)).map((c) => c.id),
          [a.id]
        )
        const bad = yield* Effect.flip(createCase({ customer, shortDescription: "x", priority: 5 as 4 }))
        assert.strictEqual(bad.code, "23514")
      })
    )

    it("counts business days, skipping weekends", () => {
      // 2026-11-27 is a Friday.
      assert.strictEqual(addBusinessDays(new Date("2026-11-27T15:00:00Z"), 3), "2026-12-02")
      assert.strictEqual(addBusinessDays(new Date("2026-11-27T15:00:00Z"), 5), "2026-12-04")
      assert.strictEqual(addBusinessDays(new Date("2026-11-24T09:00:00Z"), 3), "2026-11-27")
    })

    it.effect("places a replacement order arriving in 3–5 business days and blocks a lost card", () =>
      Effect.gen(function* () {
        const owner = yield* newContact()
        const interaction = yield* newInteraction(owner)
        const card = yield* createAsset({ type: "credit", productName: "Rewards", maskedNumber: "•••• 4821", owner })
        const order = yield* placeReplacementOrder({
          assetId: card.id,
          reason: "lost",
          dateLost: "2026-11-20",
          deliveryAddress: "1 Main St, Springfield",
          phone: "+1 415 555 0100",
          deliverySlotStart: new Date("2026-11-24T09:00:00Z"),
          interactionId: interaction.id
        })
        assert.match(order.number, /^RPL\d{7}$/)
        assert.strictEqual(order.expectedFrom, "2026-11-27")
        assert.strictEqual(order.expectedTo, "2026-12-01")
        assert.strictEqual(order.dateLost, "2026-11-20")
        assert.strictEqual((yield* findAsset(card.id))?.status, "blocked")
        assert.lengthOf(yield* replacementOrdersOfAsset(card.id), 1)
        assert.lengthOf(yield* replacementOrdersOfInteraction(interaction.id), 1)

        const worn = yield* createAsset({ type: "debit", productName: "Everyday", maskedNumber: "•••• 1111", owner })
        yield* placeReplacementOrder({ assetId: worn.id, reason: "damaged", deliveryAddress: "x", phone: "y" })
        assert.strictEqual((yield* findAsset(worn.id))?.status, "active")
      })
    )

    it.effect("lists active catalog items and records requests with REQ numbers", () =>
      Effect.gen(function* () {
        const category = unique("category")
        const item = yield* createCatalogItem({
          slug: unique("item"),
          name: "Travel notice",
          description: "Tell us where you travel",
          category,
          price: 12.5,
          options: [{ name: "region", label: "Region", choices: ["Europe", "Asia"] }]
        })
        yield* createCatalogItem({ slug: unique("gone"), name: "Retired", description: "-", category, active: false })
        assert.deepStrictEqual(
          (yield* listCatalogItems(category)).map((i) => i.name),
          ["Travel notice"]
        )
        const found = yield* findCatalogItem(item.slug)
        assert.strictEqual(found?.price, 12.5)
        assert.deepStrictEqual(found?.options[0]?.choices, ["Europe", "Asia"])
        const customer = yield* newConsumer()
        const request = yield* createCatalogRequest({
          itemId: item.id,
          requestedFor: customer,
          details: { region: "Asia" }
        })
        assert.match(request.number, /^REQ\d{7}$/)
        yield* setRequestState(request.id, "approved")
        const mine = yield* requestsOf(customer)
        assert.strictEqual(mine[0]?.itemName, "Travel notice")
        assert.strictEqual(mine[0]?.state, "approved")
      })
    )
  })
}
