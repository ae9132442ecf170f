import { randomBytes } from "node:crypto"
import { assert, layer } from "@effect/vitest"
import { eq } from "drizzle-orm"
import { Effect, Layer } from "effect"
import { Db } from "../../db/Db.ts"
import { recordPresence, setCapacity } from "../../db/queries/agents.ts"
import { auditOf } from "../../db/queries/audit.ts"
import { consumerRef } from "../../db/queries/CustomerRef.ts"
import { createCase } from "../../db/queries/cases.ts"
import { createConsumer } from "../../db/queries/customers.ts"
import { recordFeedback } from "../../db/queries/feedback.ts"
import { closeInteraction } from "../../db/queries/interactions.ts"
import { appendMessage } from "../../db/queries/messages.ts"
import { createQueue, createSkill, findQueueByName, grantSkill } from "../../db/queries/queues.ts"
import { createUser } from "../../db/queries/users.ts"
import { enqueueWorkItem, offerWorkItem, settleOffer } from "../../db/queries/workItems.ts"
import { workItems } from "../../db/schema/awa.ts"
import type { Interaction } from "../../db/schema/interactions.ts"
import { ApiNode, apiNodeLayer, call, inNode, newInteraction } from "./support.ts"

const tag = () => randomBytes(4).toString("hex")

interface Page {
  readonly items: ReadonlyArray<{ readonly id: string }>
  readonly nextCursor?: string
  readonly nextOffset?: number
}

/** Newest first, ties by id descending: the order the API promises. */
const newestFirst = (rows: ReadonlyArray<Interaction>) =>
  [...rows]
    .sort((a, b) => b.openedAt.getTime() - a.openedAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((r) => r.id)

const newAgent = (label: string) =>
  createUser({
    login: `agent-${label}-${tag()}`,
    email: `${label}-${tag()}@parley.test`,
    displayName: `Agent ${label} ${tag()}`,
    roles: ["agent_workspace_user"]
  })

layer(Layer.fresh(apiNodeLayer("embedded")), { timeout: 60_000 })("REST resources", (it) => {
  it.effect("interactions: every filter, and keyset pages that neither skip nor repeat", () =>
    Effect.gen(function* () {
      const { node, tokens, userIds } = yield* ApiNode
      const base = Date.now() - 10 * 24 * 3600_000
      const hours = [0, 1, 2, 3, 3, 5, 6] // two chats opened at the same instant: the id breaks the tie
      const { customer, created } = yield* inNode(
        node,
        Effect.gen(function* () {
          const consumer = yield* createConsumer({ firstName: "Paging", lastName: tag(), email: `p-${tag()}@x.test` })
          const customer = consumerRef(consumer.id)
          const cards = yield* Effect.flatMap(findQueueByName("cards"), Effect.fromNullable)
          const general = yield* Effect.flatMap(findQueueByName("apple_default"), Effect.fromNullable)
          const created = yield* Effect.forEach(hours, (h, i) =>
            newInteraction({
              customer,
              agentId: i % 2 === 0 ? userIds.ava : userIds.leo,
              queueId: i < 4 ? cards.id : general.id,
              openedAt: new Date(base + h * 3600_000)
            })
          )
          const last = created[6]!
          created[6] = (yield* closeInteraction(last.id, "closed_complete")) ?? last
          return { customer, created }
        })
      )
      const list = (query: string, token = tokens.sam) =>
        call<Page>(node.url, "GET", `/interactions?customer=${customer.id}${query}`, { token })

      const pages: Array<ReadonlyArray<string>> = []
      let cursor = ""
      for (let n = 0; n < 5; n++) {
        const page = yield* list(`&limit=3${cursor}`)
        assert.strictEqual(page.status, 200)
        pages.push(page.body.items.map((i) => i.id))
        if (page.body.nextCursor === undefined) break
        cursor = `&cursor=${page.body.nextCursor}`
      }
      assert.deepStrictEqual(
        pages.map((p) => p.length),
        [3, 3, 1]
      )
      assert.deepStrictEqual(pages.flat(), newestFirst(created))

      const only = (pick: (i: number) => boolean) => newestFirst(created.filter((_, i) => pick(i)))
      const filtered = (query: string, token?: string) =>
        Effect.map(list(query, token), (r) => r.body.items.map((i) => i.id))
      assert.deepStrictEqual(
        yield* filtered(`&agent=${userIds.ava}`),
        only((i) => i % 2 === 0)
      )
      assert.deepStrictEqual(
        yield* filtered("&queue=cards"),
        only((i) => i < 4)
      )
      assert.deepStrictEqual(
        yield* filtered("&state=closed_complete"),
        only((i) => i === 6)
      )
      const from = new Date(base + 2 * 3600_000).toISOString()
      const to = new Date(base + 5 * 3600_000).toISOString()
      assert.deepStrictEqual(
        yield* filtered(`&from=${from}&to=${to}`),
        only((i) => i >= 2 && i <= 4)
      )
      assert.deepStrictEqual(yield* filtered("&type=messaging&subtype=apple"), newestFirst(created))
      // An agent's filters apply within what is theirs: Leo's view holds none of Ava's chats.
      assert.deepStrictEqual(
        yield* filtered("", tokens.leo),
        only((i) => i % 2 === 1)
      )
      assert.deepStrictEqual(yield* filtered(`&agent=${userIds.ava}`, tokens.leo), [])

      for (const bad of ["&limit=0", "&limit=201", "&limit=x", "&cursor=garbage", "&state=bogus", "&from=yesterday"]) {
        const reply = yield* call(node.url, "GET", `/interactions?customer=${customer.id}${bad}`, { token: tokens.sam })
        assert.strictEqual(reply.status, 400, bad)
        assert.strictEqual(reply.body.error.code, "invalid_request", bad)
      }
      const unknown = yield* call(node.url, "GET", "/interactions?colour=blue", { token: tokens.sam })
      assert.strictEqual(unknown.status, 400)
      const notId = yield* call(node.url, "GET", "/interactions/not-a-uuid", { token: tokens.sam })
      assert.strictEqual(notId.body.error.code, "invalid_request")
    })
  )

  it.effect("interaction detail: the transcript in order, linked cases and feedback", () =>
    Effect.gen(function* () {
      const { node, tokens, userIds, jane } = yield* ApiNode
      const { chat, kase } = yield* inNode(
        node,
        Effect.gen(function* () {
          const chat = yield* newInteraction({ customer: jane, agentId: userIds.ava })
          for (const [authorKind, text] of [
            ["customer", "hello"],
            ["bot", "hi, how can I help?"],
            ["customer", "a person please"]
          ] as const)
            yield* appendMessage({
              interactionId: chat.id,
              direction: authorKind === "customer" ? "in" : "out",
              authorKind,
              kind: "text",
              body: { text }
            })
          const kase = yield* createCase({ customer: jane, shortDescription: "linked", interactionId: chat.id })
          yield* recordFeedback({ interactionId: chat.id, rating: 4, comment: "quick" })
          return { chat, kase }
        })
      )
      const reply = yield* call<{
        interaction: { id: string; customer: { id: string } }
        transcript: ReadonlyArray<{ body: { text: string } }>
        cases: ReadonlyArray<{ id: string }>
        feedback: { rating: number; comment: string }
      }>(node.url, "GET", `/interactions/${chat.id}`, { token: tokens.ava })
      assert.strictEqual(reply.status, 200)
      assert.strictEqual(reply.body.interaction.customer.id, jane.id)
      assert.deepStrictEqual(
        reply.body.transcript.map((m) => m.body.text),
        ["hello", "hi, how can I help?", "a person please"]
      )
      assert.deepStrictEqual(
        reply.body.cases.map((c) => c.id),
        [kase.id]
      )
      assert.deepInclude(reply.body.feedback, { rating: 4, comment: "quick" })
    })
  )

  it.effect("cases: a customer opens one, an agent updates it, both audited; bad input is 400", () =>
    Effect.gen(function* () {
      const { node, tokens, userIds, jane, raj } = yield* ApiNode
      const url = node.url
      interface CaseBody {
        readonly id: string
        readonly state: string
        readonly priority: number
        readonly openedBy: string | null
        readonly customer: { readonly id: string }
      }
      const opened = yield* call<CaseBody>(url, "POST", "/cases", {
        token: tokens.jane,
        body: { shortDescription: "card never arrived", priority: 2 }
      })
      assert.strictEqual(opened.status, 201)
      assert.deepInclude(opened.body, { state: "new", priority: 2, openedBy: null })
      assert.strictEqual(opened.body.customer.id, jane.id)
      const id = opened.body.id

      // Ava serves Jane (her chat is assigned to Ava), so Ava may change Jane's case.
      const { janeChat, rajChat } = yield* inNode(
        node,
        Effect.all({
          janeChat: newInteraction({ customer: jane, agentId: userIds.ava }),
          rajChat: newInteraction({ customer: raj, agentId: userIds.leo })
        })
      )
      const updated = yield* call<CaseBody>(url, "PATCH", `/cases/${id}`, {
        token: tokens.ava,
        body: { state: "open" }
      })
      assert.strictEqual(updated.status, 200)
      assert.deepInclude(updated.body, { state: "open", priority: 2 })

      const trail = yield* inNode(node, auditOf("case", id))
      assert.deepStrictEqual(
        trail.map((e) => [e.action, e.actorUserId]),
        [
          ["case.update", userIds.ava],
          ["case.create", userIds.jane]
        ]
      )
      assert.deepInclude(trail[0]?.details ?? {}, { to: { state: "open" } })

      const mine = (state: string) =>
        Effect.map(call<Page>(url, "GET", `/cases?state=${state}&limit=200`, { token: tokens.jane }), (r) =>
          r.body.items.map((c) => c.id)
        )
      assert.include(yield* mine("open"), id)
      assert.notInclude(yield* mine("closed"), id)

      const expectations: ReadonlyArray<
        readonly [string, string, string, string | undefined, unknown, number, string]
      > = [
        ["empty change", "PATCH", `/cases/${id}`, tokens.ava, {}, 400, "invalid_request"],
        ["priority out of range", "PATCH", `/cases/${id}`, tokens.ava, { priority: 9 }, 400, "invalid_request"],
        ["unknown field", "PATCH", `/cases/${id}`, tokens.ava, { colour: "red" }, 400, "invalid_request"],
        ["no such case", "PATCH", `/cases/${crypto.randomUUID()}`, tokens.ava, { state: "open" }, 404, "not_found"],
        [
          "staff must name the customer",
          "POST",
          "/cases",
          tokens.ava,
          { shortDescription: "x" },
          400,
          "invalid_request"
        ],
        ["empty description", "POST", "/cases", tokens.jane, { shortDescription: "" }, 400, "invalid_request"],
        [
          "a customer cannot link someone else's chat",
          "POST",
          "/cases",
          tokens.jane,
          { shortDescription: "x", interactionId: rajChat.id },
          404,
          "not_found"
        ],
        [
          "the chat belongs to another customer",
          "POST",
          "/cases",
          tokens.ava,
          { shortDescription: "x", customer: raj, interactionId: janeChat.id },
          409,
          "conflict"
        ],
        [
          "no such customer",
          "POST",
          "/cases",
          tokens.ava,
          { shortDescription: "x", customer: { kind: "consumer", id: crypto.randomUUID() } },
          404,
          "not_found"
        ]
      ]
      for (const [name, method, path, token, body, status, code] of expectations) {
        const reply = yield* call(url, method, path, { token, body })
        assert.strictEqual(reply.status, status, name)
        assert.strictEqual(reply.body.error.code, code, name)
      }
      const malformed = yield* call(url, "POST", "/cases", { token: tokens.jane, rawBody: "{not json" })
      assert.strictEqual(malformed.status, 400)
      assert.strictEqual(malformed.body.error.code, "invalid_request")

      const linked = yield* call<CaseBody>(url, "POST", "/cases", {
        token: tokens.ava,
        body: { shortDescription: "from the chat", customer: jane, interactionId: janeChat.id }
      })
      assert.strictEqual(linked.status, 201)
      assert.strictEqual(linked.body.openedBy, userIds.ava)
    })
  )

  it.effect("feedback: averages per queue and per agent are those of the ratings written", () =>
    Effect.gen(function* () {
      const { node, tokens } = yield* ApiNode
      const ratings = { xInQueue: [5, 4, 2], yInQueue: [3], yNoQueue: [1] }
      const { queue, x, y } = yield* inNode(
        node,
        Effect.gen(function* () {
          const queue = yield* createQueue({ name: `feedback-${tag()}` })
          const x = yield* newAgent("x")
          const y = yield* newAgent("y")
          const rate = (agentId: string, queueId: string | undefined, rating: number) =>
            Effect.flatMap(newInteraction({ agentId, ...(queueId === undefined ? {} : { queueId }) }), (i) =>
              recordFeedback({ interactionId: i.id, rating })
            )
          for (const r of ratings.xInQueue) yield* rate(x.id, queue.id, r)
          for (const r of ratings.yInQueue) yield* rate(y.id, queue.id, r)
          for (const r of ratings.yNoQueue) yield* rate(y.id, undefined, r)
          return { queue, x, y }
        })
      )
      interface Group {
        readonly id: string | null
        readonly name: string | null
        readonly count: number
        readonly average: number
      }
      const summary = yield* call<{ byQueue: ReadonlyArray<Group>; byAgent: ReadonlyArray<Group> }>(
        node.url,
        "GET",
        "/feedback/summary",
        { token: tokens.sam }
      )
      assert.strictEqual(summary.status, 200)
      const mean = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0) / xs.length
      const inQueue = [...ratings.xInQueue, ...ratings.yInQueue]
      const ofY = [...ratings.yInQueue, ...ratings.yNoQueue]
      const group = (groups: ReadonlyArray<Group>, id: string) => groups.find((g) => g.id === id)
      assert.strictEqual(group(summary.body.byQueue, queue.id)?.count, inQueue.length)
      assert.closeTo(group(summary.body.byQueue, queue.id)?.average ?? 0, mean(inQueue), 1e-9)
      assert.strictEqual(group(summary.body.byQueue, queue.id)?.name, queue.name)
      assert.strictEqual(group(summary.body.byAgent, x.id)?.count, ratings.xInQueue.length)
      assert.closeTo(group(summary.body.byAgent, x.id)?.average ?? 0, mean(ratings.xInQueue), 1e-9)
      assert.strictEqual(group(summary.body.byAgent, y.id)?.count, ofY.length)
      assert.closeTo(group(summary.body.byAgent, y.id)?.average ?? 0, mean(ofY), 1e-9)

      const later = new Date(Date.now() + 3600_000).toISOString()
      const empty = yield* call<{ overall: { count: number; average: number | null } }>(
        node.url,
        "GET",
        `/feedback/summary?from=${later}`,
        { token: tokens.sam }
      )
      assert.deepStrictEqual(empty.body.overall, { count: 0, average: null })

      const first = yield* call<Page>(node.url, "GET", "/feedback?limit=2", { token: tokens.sam })
      assert.strictEqual(first.body.items.length, 2)
      assert.strictEqual(first.body.nextOffset, 2)
      const all = yield* call<{ items: ReadonlyArray<{ agentId: string | null; rating: number }> }>(
        node.url,
        "GET",
        "/feedback?limit=200",
        { token: tokens.sam }
      )
      assert.sameMembers(
        all.body.items.filter((f) => f.agentId === x.id).map((f) => f.rating),
        ratings.xInQueue
      )
    })
  )

  it.effect("queues and agents: waiting, oldest wait and availability come from the routing tables", () =>
    Effect.gen(function* () {
      const { node, tokens } = yield* ApiNode
      const { queue, skilled } = yield* inNode(
        node,
        Effect.gen(function* () {
          const skill = yield* createSkill({ name: `skill-${tag()}` })
          const queue = yield* createQueue({
            name: `stats-${tag()}`,
            routingConditions: { requiredSkills: [skill.name] }
          })
          const skilled = yield* newAgent("skilled")
          const unskilled = yield* newAgent("unskilled")
          const away = yield* newAgent("away")
          for (const agent of [skilled, away]) yield* grantSkill(agent.id, skill.id)
          for (const agent of [skilled, unskilled, away]) yield* setCapacity(agent.id, "apple_messages", 1)
          yield* recordPresence(skilled.id, "apple_messages", "available")
          yield* recordPresence(unskilled.id, "apple_messages", "available")
          yield* recordPresence(away.id, "apple_messages", "away")
          const enqueue = Effect.flatMap(newInteraction({ queueId: queue.id }), (i) =>
            enqueueWorkItem({ interactionId: i.id, queueId: queue.id })
          )
          const oldest = yield* enqueue
          yield* enqueue
          const taken = yield* enqueue
          const db = yield* Db
          yield* db.use("test.backdate", (d) =>
            d
              .update(workItems)
              .set({ createdAt: new Date(Date.now() - 120_000) })
              .where(eq(workItems.id, oldest.id))
          )
          const offer = yield* Effect.flatMap(
            offerWorkItem(taken.id, skilled.id, new Date(Date.now() + 60_000)),
            Effect.fromNullable
          )
          yield* settleOffer(offer.id, "accepted")
          return { queue, skilled }
        })
      )
      interface Stats {
        readonly id: string
        readonly waiting: number
        readonly offered: number
        readonly oldestWaitSeconds: number | null
        readonly agentsAvailable: number
        readonly agentsWithCapacity: number
      }
      const queues = yield* call<{ items: ReadonlyArray<Stats> }>(node.url, "GET", "/queues", { token: tokens.ava })
      assert.strictEqual(queues.status, 200)
      const stats = queues.body.items.find((q) => q.id === queue.id)
      assert.isDefined(stats)
      assert.deepInclude(stats, { waiting: 2, offered: 0, agentsAvailable: 1, agentsWithCapacity: 0 })
      assert.isAtLeast(stats?.oldestWaitSeconds ?? 0, 120)
      assert.isBelow(stats?.oldestWaitSeconds ?? 999, 300)

      interface AgentRow {
        readonly id: string
        readonly assigned: number
        readonly channels: ReadonlyArray<{ channel: string; presence: string; capacity: number }>
      }
      const agents = yield* call<{ items: ReadonlyArray<AgentRow> }>(node.url, "GET", "/agents", { token: tokens.sam })
      const row = agents.body.items.find((a) => a.id === skilled.id)
      assert.strictEqual(row?.assigned, 1)
      assert.deepStrictEqual(
        row?.channels.map((c) => [c.channel, c.presence, c.capacity]),
        [["apple_messages", "available", 1]]
      )
    })
  )
})
