import { assert, describe, it } from "@effect/vitest"
import { type Candidate, plan } from "../../actors/queue/Dispatch.ts"

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `w${i + 1}` }))
const none = new Map<string, ReadonlySet<string>>()

describe("dispatch plan", () => {
  const agents: ReadonlyArray<Candidate> = [
    { agentId: "ann", free: 1, lastAssignedAt: null },
    { agentId: "bob", free: 3, lastAssignedAt: 2_000 },
    { agentId: "cat", free: 2, lastAssignedAt: 1_000 }
  ]

  it("Most Capacity: the most free slots first, spreading as slots fill", () => {
    const chosen = plan(items(4), agents, none, "most_capacity", 10_000).map((p) => p.agentId)
    assert.deepStrictEqual(chosen, ["bob", "cat", "bob", "ann"])
  })

  it("Last Assigned: the longest since an assignment first; never assigned counts as longest", () => {
    const chosen = plan(items(4), agents, none, "last_assigned", 10_000).map((p) => p.agentId)
    assert.deepStrictEqual(chosen, ["ann", "cat", "bob", "cat"])
  })

  it("never more offers than free slots; items beyond them wait", () => {
    assert.strictEqual(plan(items(10), agents, none, "most_capacity", 0).length, 6)
  })

  it("an agent who refused an item is skipped for that item only", () => {
    const refused = new Map([["w1", new Set(["bob"])]])
    const chosen = plan(items(2), agents, refused, "most_capacity", 0)
    assert.deepStrictEqual(chosen, [
      { workItemId: "w1", agentId: "cat" },
      { workItemId: "w2", agentId: "bob" }
    ])
  })

  it("an item everyone refused waits; the next one still goes", () => {
    const refused = new Map([["w1", new Set(["ann", "bob", "cat"])]])
    assert.deepStrictEqual(
      plan(items(2), agents, refused, "most_capacity", 0).map((p) => p.workItemId),
      ["w2"]
    )
  })

  it("no free slot, no offer", () => {
    assert.deepStrictEqual(
      plan(items(3), [{ agentId: "z", free: 0, lastAssignedAt: null }], none, "most_capacity", 0),
      []
    )
  })
})
