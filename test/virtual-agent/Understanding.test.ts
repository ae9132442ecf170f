import { assert, describe, it } from "@effect/vitest"
import { topics } from "../../actors/virtual-agent/Topics.ts"
import { type Understood, understand } from "../../actors/virtual-agent/Understanding.ts"
import { corpus, type Labelled } from "./corpus.ts"
import { heldOut } from "./heldOut.ts"

const severalLabel = "(several intents)"

const groupOf = (l: Labelled): string => (typeof l.expect === "string" ? l.expect : severalLabel)

const correct = (l: Labelled, u: Understood): boolean =>
  typeof l.expect === "string"
    ? u._tag === "Topic" && u.topic.id === l.expect
    : u._tag === "Several" &&
      u.topics.length === l.expect.several.length &&
      l.expect.several.every((id) => u.topics.some((t) => t.id === id))

const said = (u: Understood): string =>
  u._tag === "Topic"
    ? `${u.topic.id} (${u.act})`
    : u._tag === "Several"
      ? `several: ${u.topics.map((t) => t.id).join(", ")}`
      : u._tag === "Unsure"
        ? `unsure: ${u.candidates.map((t) => t.id).join(" / ")}`
        : "nothing"

describe("understanding what customers type", () => {
  it("the labelled corpus: at least 150 utterances, 20 per topic, 95 % overall and 90 % per topic", () => {
    const groups = new Map<string, { total: number; right: number; misses: Array<string> }>()
    for (const l of corpus) {
      const u = understand(l.text, topics)
      const group = groups.get(groupOf(l)) ?? { total: 0, right: 0, misses: [] }
      group.total += 1
      if (correct(l, u)) group.right += 1
      else group.misses.push(`"${l.text}" → ${said(u)}`)
      groups.set(groupOf(l), group)
    }
    const lines = [...groups].map(
      ([name, g]) =>
        `${name.padEnd(20)} ${String(g.right).padStart(3)}/${String(g.total).padEnd(3)} ${((100 * g.right) / g.total).toFixed(1)} %${g.misses.map((m) => `\n    miss: ${m}`).join("")}`
    )
    const right = [...groups.values()].reduce((n, g) => n + g.right, 0)
    const overall = (100 * right) / corpus.length
    console.log(
      `intent accuracy per topic\n${lines.join("\n")}\noverall ${right}/${corpus.length} ${overall.toFixed(1)} %`
    )

    assert.isAtLeast(corpus.length, 150)
    for (const topic of topics) assert.isAtLeast(groups.get(topic.id)?.total ?? 0, 20, topic.id)
    assert.isAtLeast(overall, 95)
    for (const [name, g] of groups) assert.isAtLeast((100 * g.right) / g.total, 90, name)
  })

  it("wording the topics were never tuned on: printed; when not understood it asks or says so, never a wrong topic", () => {
    const results = heldOut.map((l) => ({ l, u: understand(l.text, topics) }))
    const right = results.filter(({ l, u }) => correct(l, u)).length
    const asked = results.filter(
      ({ l, u }) => u._tag === "Unsure" && typeof l.expect === "string" && u.candidates.some((t) => t.id === l.expect)
    ).length
    const wrong = results.filter(({ l, u }) => u._tag === "Topic" && u.topic.id !== l.expect)
    const misses = results.filter(({ l, u }) => !correct(l, u)).map(({ l, u }) => `"${l.text}" → ${said(u)}`)
    const pct = (n: number) => `${((100 * n) / heldOut.length).toFixed(1)} %`
    console.log(
      `held-out: understood ${right}/${heldOut.length} ${pct(right)}, asked with the right choice among ${asked} more (${pct(right + asked)}), wrong topic ${wrong.length}${misses.map((m) => `\n    miss: ${m}`).join("")}`
    )
    assert.deepStrictEqual(
      wrong.map(({ l }) => l.text),
      []
    )
  })

  it("the story's own wording: a replacement is a request, activating a new card is a question", () => {
    const replace = understand("I lost my credit card and need a replacement", topics)
    assert.deepStrictEqual(replace._tag === "Topic" ? [replace.topic.id, replace.act] : replace._tag, [
      "card_replacement",
      "request"
    ])
    const activate = understand("how do I activate my new card", topics)
    assert.deepStrictEqual(activate._tag === "Topic" ? [activate.topic.id, activate.act] : activate._tag, [
      "knowledge",
      "question"
    ])
  })

  it("a negation turns a topic away, and a message naming two things asks which first", () => {
    const negated = understand("I don't want a new card, I want to activate it", topics)
    assert.strictEqual(negated._tag === "Topic" ? negated.topic.id : negated._tag, "knowledge")
    const two = understand("I lost my card and also want to know about refinance rates", topics)
    assert.deepStrictEqual(two._tag === "Several" ? two.topics.map((t) => t.id) : two._tag, [
      "card_replacement",
      "knowledge"
    ])
  })

  it("a vague message leaves the bot unsure with a short list, and gibberish matches nothing", () => {
    const vague = understand("card", topics)
    assert.strictEqual(vague._tag, "Unsure")
    assert.isAtMost(vague._tag === "Unsure" ? vague.candidates.length : 0, 3)
    assert.strictEqual(understand("asdf qwerty", topics)._tag, "Nothing")
  })
})
