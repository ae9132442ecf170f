import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { optionOf } from "../../actors/virtual-agent/Choices.ts"
import { commandOf, isSkip, yesOrNo } from "../../actors/virtual-agent/Intent.ts"
import { Topic } from "../../actors/virtual-agent/Topic.ts"
import { topics } from "../../actors/virtual-agent/Topics.ts"
import { understand } from "../../actors/virtual-agent/Understanding.ts"

const intent = (text: string) => {
  const u = understand(text, topics)
  return u._tag === "Topic" ? u.topic.id : undefined
}

describe("intent matching", () => {
  it("finds the topic from its phrases, examples and equivalent words", () => {
    assert.strictEqual(intent("I need a replacement credit card"), "card_replacement")
    assert.strictEqual(intent("my card was stolen yesterday"), "card_replacement")
    assert.strictEqual(intent("What are my home refinance options?"), "knowledge")
    assert.strictEqual(intent("refi rates"), "knowledge")
    assert.strictEqual(intent("show me my cases"), "my_cases")
    assert.strictEqual(intent("I want to report a problem"), "create_case")
    assert.strictEqual(intent("open the catalogue"), "catalog")
    assert.strictEqual(intent("thanks, bye"), "feedback")
    assert.strictEqual(intent("asdf qwerty"), undefined)
  })

  it("knows the commands that work at any step", () => {
    assert.strictEqual(commandOf("agent"), "agent")
    assert.strictEqual(commandOf("Can I talk to a human please"), "agent")
    assert.strictEqual(commandOf("menu"), "menu")
    assert.strictEqual(commandOf("?"), "menu")
    assert.strictEqual(commandOf("My card is lost"), undefined)
    assert.strictEqual(commandOf("I don't want to talk to a person"), undefined)
  })

  it("reads text answers to numbered choices by number, title, synonym or a distinctive word", () => {
    const numbered = true
    const options = [
      { id: "lost", title: "Lost" },
      { id: "stolen", title: "Stolen" },
      { id: "damaged", title: "Damaged", synonyms: ["broken"] }
    ]
    assert.strictEqual(optionOf("2", options, numbered)?.id, "stolen")
    assert.strictEqual(optionOf("lost", options, numbered)?.id, "lost")
    assert.strictEqual(optionOf("it is broken", options, numbered)?.id, "damaged")
    assert.strictEqual(optionOf("9", options, numbered), undefined)
    assert.strictEqual(optionOf("purple", options, numbered), undefined)
    const cards = [
      { id: "a", title: "Parley Rewards Visa Signature", subtitle: "•••• 4821" },
      { id: "b", title: "Parley Cash Back Mastercard", subtitle: "•••• 7730" }
    ]
    assert.strictEqual(optionOf("the visa", cards, numbered)?.id, "a")
    assert.strictEqual(optionOf("7730", cards, numbered)?.id, "b")
    assert.strictEqual(optionOf("parley", cards, numbered), undefined)
  })

  it("reads yes, no and skip", () => {
    assert.strictEqual(yesOrNo("yes please"), "yes")
    assert.strictEqual(yesOrNo("no thanks"), "no")
    assert.isTrue(isSkip("skip"))
    assert.isFalse(isSkip("the card reader is broken"))
  })
})

describe("topic data", () => {
  it("every topic decodes, ids are unique, the menu has the live agent", () => {
    const ids = topics.map((t) => t.id)
    assert.strictEqual(new Set(ids).size, ids.length)
    assert.isTrue(topics.some((t) => t.inMenu && t.steps.some((s) => s._tag === "HandOff")))
  })

  it("refuses malformed topics", () => {
    const decode = Schema.decodeUnknownEither(Topic)
    const understanding = { phrases: ["x"], examples: ["x", "y", "z"], serves: ["request"] }
    const base = { id: "x", title: "X", understanding, needsCustomer: false, inMenu: false }
    assert.isTrue(decode({ ...base, steps: [] })._tag === "Left")
    const quickWithSix = {
      _tag: "Choose",
      prompt: "?",
      style: "quick",
      save: "v",
      options: [1, 2, 3, 4, 5, 6].map((n) => ({ id: String(n), title: String(n) }))
    }
    assert.isTrue(decode({ ...base, steps: [quickWithSix] })._tag === "Left")
    const both = { _tag: "Choose", prompt: "?", style: "list", save: "v", source: "cards", options: [] }
    assert.isTrue(decode({ ...base, steps: [both] })._tag === "Left")
    assert.isTrue(decode({ ...base, steps: [{ _tag: "Say", text: "hi" }] })._tag === "Right")
  })
})
