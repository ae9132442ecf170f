import { assert, describe, it } from "@effect/vitest"
import { labelsCarryNumbers, optionOf } from "../../actors/virtual-agent/Choices.ts"
import type { Option, Step } from "../../actors/virtual-agent/Topic.ts"
import { topicById } from "../../actors/virtual-agent/Topics.ts"

const choose = (topic: string, index = 0): ReadonlyArray<Option> => {
  const step = topicById(topic)?.steps.filter((s): s is Extract<Step, { _tag: "Choose" }> => s._tag === "Choose")[index]
  return step?.options ?? []
}

const feedback = choose("feedback")
const cards: ReadonlyArray<Option> = [
  { id: "a1", title: "Parley Rewards Visa Signature", subtitle: "•••• 4821" },
  { id: "b2", title: "Parley Cash Back Mastercard", subtitle: "•••• 7730" },
  { id: "c3", title: "Parley Everyday Debit", subtitle: "•••• 1190" }
]
const yesNo: ReadonlyArray<Option> = [
  { id: "yes", title: "Yes, an agent" },
  { id: "no", title: "No, thanks" }
]

describe("typed answers to choices, as the customer saw them", () => {
  it("feedback: '5', 'five', 'excellent', a typo, and the label store what was chosen, shown numbered or not", () => {
    assert.isTrue(labelsCarryNumbers(feedback))
    for (const numbered of [true, false]) {
      const pick = (text: string) => optionOf(text, feedback, numbered)?.id
      assert.strictEqual(pick("5"), "5")
      assert.strictEqual(pick("five"), "5")
      assert.strictEqual(pick("Excellent"), "5")
      assert.strictEqual(pick("exellent!"), "5")
      assert.strictEqual(pick("5 Excellent"), "5")
      assert.strictEqual(pick("1"), "1")
      assert.strictEqual(pick("two"), "2")
      assert.strictEqual(pick("4 stars"), "4")
      assert.strictEqual(pick("it was okay"), "3")
      assert.strictEqual(pick("9"), undefined)
    }
  })

  it("list picker: a card by its name or last digits; a position only where the list was shown numbered", () => {
    assert.strictEqual(optionOf("the visa", cards, false)?.id, "a1")
    assert.strictEqual(optionOf("mastercard", cards, false)?.id, "b2")
    assert.strictEqual(optionOf("the one ending 1190", cards, false)?.id, "c3")
    assert.strictEqual(optionOf("debit card", cards, false)?.id, "c3")
    assert.strictEqual(optionOf("2", cards, true)?.id, "b2")
    assert.strictEqual(optionOf("second", cards, true)?.id, "b2")
    assert.strictEqual(optionOf("2", cards, false), undefined, "a position the customer never saw")
    assert.strictEqual(optionOf("parley", cards, false), undefined, "a word every option has")
  })

  it("quick reply: by its label or a word of it", () => {
    assert.strictEqual(optionOf("yes, an agent", yesNo, false)?.id, "yes")
    assert.strictEqual(optionOf("an agent please", yesNo, false)?.id, "yes")
    assert.strictEqual(optionOf("no thanks", yesNo, false)?.id, "no")
  })

  it("form select: the replacement reason by label, synonym or shown number", () => {
    const form = topicById("card_replacement")?.steps.find((s) => s._tag === "Form")
    const reasons = form?._tag === "Form" ? (form.fields[0]?.options ?? []) : []
    assert.strictEqual(optionOf("stolen", reasons, true)?.id, "stolen")
    assert.strictEqual(optionOf("it's broken", reasons, true)?.id, "damaged")
    assert.strictEqual(optionOf("3", reasons, true)?.id, "damaged")
    assert.strictEqual(optionOf("I lost it", reasons, true)?.id, "lost")
  })
})
