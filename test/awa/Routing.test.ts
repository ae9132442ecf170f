import { assert, describe, it } from "@effect/vitest"
import { type RoutableQueue, type RoutingContext, requiredSkills, routeTo } from "../../actors/queue/Routing.ts"

const queue = (name: string, routingOrder: number, routingConditions: unknown, extra: Partial<RoutableQueue> = {}) => ({
  name,
  routingOrder,
  routingConditions,
  channel: "apple_messages",
  active: true,
  ...extra
})

const queues = [
  queue("apple_default", 100, {}),
  queue("cards", 10, { intents: ["card", "dispute"], requiredSkills: ["cards"] }),
  queue("mortgage", 20, { intents: ["mortgage", "refinance"], requiredSkills: ["mortgage"] }),
  queue("platinum", 5, { tiers: ["platinum"] }),
  queue("business_fr", 15, { groups: ["business"], locales: ["fr_FR", "fr_CA"] }),
  queue("refinance_topic", 30, { topics: ["refinance"] }),
  queue("closed", 1, {}, { active: false }),
  queue("email", 2, {}, { channel: "email" }),
  queue("broken", 3, { intents: "not a list" })
]

const apple = (context: Omit<RoutingContext, "channel"> = {}): RoutingContext => ({
  channel: "apple_messages",
  ...context
})

describe("routeTo", () => {
  const table: ReadonlyArray<readonly [string, RoutingContext, string | undefined]> = [
    ["no context: the catch-all", apple(), "apple_default"],
    ["intent card", apple({ intent: "card" }), "cards"],
    ["intent dispute", apple({ intent: "dispute" }), "cards"],
    ["intent refinance", apple({ intent: "refinance" }), "mortgage"],
    ["unknown intent", apple({ intent: "weather" }), "apple_default"],
    ["platinum tier wins over intent (lower order)", apple({ intent: "card", tier: "platinum" }), "platinum"],
    ["gold tier: not platinum", apple({ intent: "card", tier: "gold" }), "cards"],
    ["business group in French", apple({ group: "business", locale: "fr_CA" }), "business_fr"],
    [
      "business group in English: every condition must hold",
      apple({ group: "business", locale: "en_US" }),
      "apple_default"
    ],
    ["topic only", apple({ topic: "refinance" }), "refinance_topic"],
    ["intent and topic: the lower order", apple({ intent: "mortgage", topic: "refinance" }), "mortgage"],
    ["another channel", { channel: "email" }, "email"],
    ["a channel nobody serves", { channel: "sms" }, undefined]
  ]
  for (const [name, context, expected] of table) {
    it(name, () => {
      assert.strictEqual(routeTo(queues, context)?.name, expected)
    })
  }

  it("inactive queues, other channels and undecodable conditions never take work", () => {
    const only = [queue("closed", 1, {}, { active: false }), queue("broken", 2, { tiers: 3 })]
    assert.isUndefined(routeTo(only, apple()))
  })

  it("equal routing order: by name, whatever the input order", () => {
    const tied = [queue("b", 1, {}), queue("a", 1, {})]
    assert.strictEqual(routeTo(tied, apple())?.name, "a")
    assert.strictEqual(routeTo([...tied].reverse(), apple())?.name, "a")
  })

  it("required skills come from the conditions", () => {
    assert.deepStrictEqual(requiredSkills(queues[1]!), ["cards"])
    assert.deepStrictEqual(requiredSkills(queues[0]!), [])
    assert.deepStrictEqual(requiredSkills(queue("x", 1, null)), [])
  })
})
