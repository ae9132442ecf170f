import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import {
  availableAgents,
  channelsOf,
  presenceBoard,
  presenceHistoryOf,
  recordPresence,
  setCapacity
} from "../../db/queries/agents.ts"
import { audit, auditOf, scrub } from "../../db/queries/audit.ts"
import { callbacksOf, dueCallbacks, markCallbackOpened, scheduleCallback } from "../../db/queries/callbacks.ts"
import { createQueue, createSkill, findQueueByName, grantSkill, listQueues, skillsOf } from "../../db/queries/queues.ts"
import { createUser } from "../../db/queries/users.ts"
import {
  activeWorkOf,
  closeWorkItem,
  enqueueWorkItem,
  expiredOffers,
  offersOf,
  offerWorkItem,
  openWorkItemOf,
  queueStats,
  settleOffer,
  waitingWorkItems
} from "../../db/queries/workItems.ts"
import { dbLayers, newContact, newInteraction, unique } from "./support.ts"

const newAgent = (label: string) =>
  Effect.gen(function* () {
    const login = unique(label)
    return yield* createUser({
      login,
      email: `${login}@example.test`,
      displayName: label,
      roles: ["agent_workspace_user"]
    })
  })

for (const [name, dbLayer] of dbLayers()) {
  layer(dbLayer, { timeout: 60_000 })(`queues, agents, work items, call-backs, audit (${name})`, (it) => {
    it.effect("creates queues with overflow and finds them in routing order", () =>
      Effect.gen(function* () {
        const overflow = yield* createQueue({ name: unique("overflow"), routingOrder: 900 })
        const cards = yield* createQueue({
          name: unique("cards"),
          routingOrder: 10,
          routingConditions: { intents: ["card"] },
          overflowQueueId: overflow.id,
          maxWaitSeconds: 300
        })
        assert.strictEqual(cards.assignmentRule, "most_capacity")
        assert.strictEqual(cards.acceptTimeoutSeconds, 60)
        assert.deepStrictEqual((yield* findQueueByName(cards.name))?.routingConditions, { intents: ["card"] })
        const names = (yield* listQueues()).map((q) => q.name)
        assert.isBelow(names.indexOf(cards.name), names.indexOf(overflow.name))
      })
    )

    it.effect("finds available agents with capacity and skills, best first by the rule", () =>
      Effect.gen(function* () {
        const skill = yield* createSkill({ name: unique("mortgage") })
        const busy = yield* newAgent("busy")
        const free = yield* newAgent("free")
        const away = yield* newAgent("away")
        const unskilled = yield* newAgent("unskilled")
        for (const agent of [busy, free, away]) yield* grantSkill(agent.id, skill.id, 2)
        for (const agent of [busy, free, unskilled]) yield* recordPresence(agent.id, "apple_messages", "available")
        yield* recordPresence(away.id, "apple_messages", "away")
        yield* setCapacity(busy.id, "apple_messages", 1)
        assert.deepStrictEqual(yield* skillsOf(free.id), [{ name: skill.name, level: 2 }])
        assert.strictEqual((yield* channelsOf(free.id))[0]?.capacity, 3)

        const queue = yield* createQueue({ name: unique("q") })
        const mine = new Set([busy.id, free.id, away.id, unskilled.id])
        const candidates = (rule: "most_capacity" | "last_assigned") =>
          Effect.map(availableAgents({ channel: "apple_messages", requiredSkills: [skill.name], rule }), (agents) =>
            agents.filter((a) => mine.has(a.agentId)).map((a) => a.agentId)
          )
        assert.deepStrictEqual(yield* candidates("most_capacity"), [free.id, busy.id])

        // The busy agent's one slot fills: it drops out of the candidates.
        const item = yield* enqueueWorkItem({ interactionId: (yield* newInteraction()).id, queueId: queue.id })
        const offer = yield* offerWorkItem(item.id, busy.id, new Date(Date.now() + 60_000))
        assert.isDefined(offer)
        assert.deepStrictEqual(yield* candidates("last_assigned"), [free.id])
        const board = (yield* presenceBoard("apple_messages")).filter((a) => mine.has(a.agentId))
        assert.strictEqual(board.find((a) => a.agentId === busy.id)?.active, 1)
        assert.strictEqual(board.find((a) => a.agentId === away.id)?.presence, "away")
        assert.lengthOf(yield* presenceHistoryOf(away.id), 1)
      })
    )

    it.effect("queues once per interaction, offers to one agent at a time, and assigns on accept", () =>
      Effect.gen(function* () {
        const queue = yield* createQueue({ name: unique("apple") })
        const ann = yield* newAgent("ann")
        const bob = yield* newAgent("bob")
        const interaction = yield* newInteraction(yield* newContact())
        const urgent = yield* newInteraction()
        const item = yield* enqueueWorkItem({ interactionId: interaction.id, queueId: queue.id, priority: 3 })
        const again = yield* enqueueWorkItem({ interactionId: interaction.id, queueId: queue.id })
        assert.strictEqual(again.id, item.id)
        const first = yield* enqueueWorkItem({ interactionId: urgent.id, queueId: queue.id, priority: 1 })
        assert.deepStrictEqual(
          (yield* waitingWorkItems(queue.id)).map((w) => w.id),
          [first.id, item.id]
        )
        assert.strictEqual((yield* queueStats(queue.id)).waiting, 2)

        const offer = yield* offerWorkItem(item.id, ann.id, new Date(Date.now() - 1000))
        assert.isDefined(offer)
        // Already offered: a racing router cannot offer it to someone else.
        assert.isUndefined(yield* offerWorkItem(item.id, bob.id, new Date()))
        assert.include(
          (yield* expiredOffers()).map((o) => o.id),
          offer?.id
        )
        const back = yield* settleOffer(offer?.id ?? "", "timed_out")
        assert.strictEqual(back?.state, "queued")
        assert.isUndefined(yield* settleOffer(offer?.id ?? "", "accepted"))

        const second = yield* offerWorkItem(item.id, bob.id, new Date(Date.now() + 30_000))
        const assigned = yield* settleOffer(second?.id ?? "", "accepted")
        assert.strictEqual(assigned?.state, "assigned")
        assert.strictEqual(assigned?.assignedTo, bob.id)
        assert.deepStrictEqual(
          (yield* offersOf(item.id)).map((o) => o.state),
          ["timed_out", "accepted"]
        )
        assert.deepStrictEqual(
          (yield* activeWorkOf(bob.id)).map((w) => w.id),
          [item.id]
        )
        assert.strictEqual((yield* closeWorkItem(item.id))?.state, "closed")
        assert.isUndefined(yield* openWorkItemOf(interaction.id))
        // Closed: the interaction may be queued again later.
        const requeued = yield* enqueueWorkItem({ interactionId: interaction.id, queueId: queue.id })
        assert.notStrictEqual(requeued.id, item.id)
      })
    )

    it.effect("schedules a call-back, finds it when due, and opens it once", () =>
      Effect.gen(function* () {
        const queue = yield* createQueue({ name: unique("mortgage") })
        const origin = yield* newInteraction(yield* newContact())
        const at = new Date(Date.now() - 1000)
        const callback = yield* scheduleCallback({ interactionId: origin.id, queueId: queue.id, scheduledAt: at })
        assert.include(
          (yield* dueCallbacks()).map((c) => c.id),
          callback.id
        )
        assert.notInclude(
          (yield* dueCallbacks(new Date(at.getTime() - 60_000))).map((c) => c.id),
          callback.id
        )
        const followUp = yield* newInteraction(undefined, { parentId: origin.id, queueId: queue.id })
        assert.strictEqual((yield* markCallbackOpened(callback.id, followUp.id))?.state, "opened")
        assert.isUndefined(yield* markCallbackOpened(callback.id, followUp.id))
        assert.strictEqual((yield* callbacksOf(origin.id))[0]?.newInteractionId, followUp.id)
      })
    )

    it.effect("audits without secrets", () =>
      Effect.gen(function* () {
        const entityId = unique("case")
        yield* audit({
          action: "case.create",
          entity: "case",
          entityId,
          details: { short: "x", password: "hunter2", nested: { apiToken: "t", keep: 1 } }
        })
        const [entry] = yield* auditOf("case", entityId)
        assert.strictEqual(entry?.actorKind, "system")
        assert.deepStrictEqual(entry?.details, { short: "x", nested: { keep: 1 } })
        assert.deepStrictEqual(scrub({ Authorization: "Bearer x", list: [{ secret: 1, ok: 2 }] }), {
          list: [{ ok: 2 }]
        })
      })
    )
  })
}
