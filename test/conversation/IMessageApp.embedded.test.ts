import { assert, layer } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { replacementOrdersOfInteraction } from "../../db/queries/replacementOrders.ts"
import type { SimCustomer } from "../../sim/SimCustomer.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import * as TestNode from "../support/TestNode.ts"
import { deviceOf, kindOf, perTest } from "./sharedNode.ts"
import { inNode, interactionsOf, interactiveOf, listItems, next, nextText, nodeOptions } from "./support.ts"

/** The deployment's delivery-slot iMessage app (made-up ids: the simulator plays the app). */
const app = {
  teamId: "TEAM123456",
  extensionBundleId: "com.parley.slots.extension",
  appId: 1234567890,
  appName: "Parley Slots"
}

class AppNode extends Context.Tag("test/conversation/AppNode")<AppNode, TestNode.TestNode>() {}

const node = Layer.scoped(
  AppNode,
  TestNode.start({ ...nodeOptions("embedded"), apple: { imessageApps: { "delivery-slots": app } } })
)

/** Card replacement up to the delivery-slot question. */
const upToSlot = (jane: SimCustomer) =>
  Effect.gen(function* () {
    yield* jane.say("I need a replacement credit card")
    assert.strictEqual(yield* nextText(jane), "Hi Jane!")
    yield* nextText(jane)
    const picker = yield* next(jane)
    const first = listItems(picker)[0]
    assert.isDefined(first)
    yield* SimReplies.pickFromList(jane, picker, [first!.identifier])
    const form = yield* next(jane)
    if (form.message.type === "interactive") {
      yield* SimReplies.submitForm(jane, form, { reason: "Damaged", dateLost: "2026-03-10" })
      return yield* next(jane)
    }
    // Forms show only on iPhone and iPad: elsewhere the bot asks field by field.
    let question = yield* next(jane)
    for (const answer of ["Damaged", "2026-03-10", "ok", "ok"]) {
      yield* jane.say(answer)
      question = yield* next(jane)
    }
    return question
  })

layer(node, { timeout: perTest, excludeTestServices: true })("delivery slot through a custom iMessage app", (it) => {
  it.effect("an iPhone gets the configured app, and its reply books the slot it carries", () =>
    Effect.gen(function* () {
      const n = yield* AppNode
      const { device: jane } = yield* deviceOf(n, "jane.doe@example.com")
      const question = yield* upToSlot(jane)
      const data = interactiveOf(question)
      assert.strictEqual(
        data.bid,
        `com.apple.messages.MSMessageExtensionBalloonPlugin:${app.teamId}:${app.extensionBundleId}`
      )
      assert.strictEqual(data.appName, app.appName)
      assert.isUndefined(data.data, "custom apps carry their data in the URL")
      const query = new URLSearchParams((data.URL ?? "").slice(1))
      const slots = query.getAll("slot").map((s) => s.split("~"))
      assert.isAtLeast(slots.length, 3)
      const [id, start] = slots[1]!
      yield* SimReplies.replyFromApp(jane, question, { slot: id! }, "Delivery scheduled")
      const confirmation = yield* nextText(jane)
      assert.include(confirmation, "3–5 business days")
      const [interaction] = yield* interactionsOf(n, jane.id)
      const [order] = yield* inNode(n, replacementOrdersOfInteraction(interaction!.id))
      assert.strictEqual(order?.deliverySlotStart?.toISOString(), start)
      assert.deepStrictEqual(n.sim.violations(), [])
    })
  )

  it.effect("a Mac, where iMessage apps do not run, gets Apple's time picker instead", () =>
    Effect.gen(function* () {
      const n = yield* AppNode
      const { device: jane } = yield* deviceOf(n, "jane.doe@example.com", { deviceAgent: "Macintosh" })
      const question = yield* upToSlot(jane)
      assert.strictEqual(kindOf(question), "event")
      const slot = interactiveOf(question).data?.event?.timeslots[0]
      yield* SimReplies.pickTime(jane, question, slot!.identifier)
      assert.include(yield* nextText(jane), "3–5 business days")
    })
  )
})
