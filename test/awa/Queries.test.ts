import { assert, layer } from "@effect/vitest"
import { eq } from "drizzle-orm"
import { Effect } from "effect"
import { Db } from "../../db/Db.ts"
import { recordPresence, setCapacity } from "../../db/queries/agents.ts"
import { createQueue, createSkill, grantSkill } from "../../db/queries/queues.ts"
import { expireOffers, routingCandidates, settlePendingOffer, waitingWithRefusals } from "../../db/queries/routing.ts"
import { createUser } from "../../db/queries/users.ts"
import { enqueueWorkItem, findWorkItem, offersOf, offerWorkItems, placeInLine } from "../../db/queries/workItems.ts"
import { workItems } from "../../db/schema/awa.ts"
import { dbLayers, newInteraction, unique } from "../db/support.ts"

/**
 * The set-based statements behind one routing decision, on both drivers (PGlite and PostgreSQL
 * read raw SQL results differently): many offers in one insert, refusals with the waiting page,
 * agents' free slots, and every overdue offer timed out at once.
 */

const newAgent = (label: string, skill: { readonly id: string }, capacity: number) =>
  Effect.gen(function* () {
    const login = unique(label)
    const user = yield* createUser({
      login,
      email: `${login}@example.test`,
      displayName: label,
      roles: ["agent_workspace_user"]
    })
    yield* grantSkill(user.id, skill.id)
    yield* setCapacity(user.id, "apple_messages", capacity)
    yield* recordPresence(user.id, "apple_messages", "available")
    return user
  })

const queued = (queueId: string, priority: number) =>
  Effect.flatMap(newInteraction(), (i) => enqueueWorkItem({ interactionId: i.id, queueId, priority }))

for (const [name, dbLayer] of dbLayers()) {
  layer(dbLayer, { timeout: 60_000 })(`routing statements (${name})`, (it) => {
    it.effect("offers several items in one statement, skipping one taken meanwhile", () =>
      Effect.gen(function* () {
        const skill = yield* createSkill({ name: unique("set") })
        const ann = yield* newAgent("ann", skill, 3)
        const bob = yield* newAgent("bob", skill, 3)
        const queue = yield* createQueue({ name: unique("set") })
        const a = yield* queued(queue.id, 2)
        const b = yield* queued(queue.id, 3)
        const expiresAt = new Date(Date.now() + 60_000)
        const first = yield* offerWorkItems([{ workItemId: a.id, agentId: ann.id }], expiresAt)
        assert.lengthOf(first, 1)
        const made = yield* offerWorkItems(
          [
            { workItemId: a.id, agentId: bob.id },
            { workItemId: b.id, agentId: bob.id }
          ],
          expiresAt
        )
        assert.deepStrictEqual(
          made.map((o) => [o.workItemId, o.agentId, o.state]),
          [[b.id, bob.id, "offered"]]
        )
        assert.strictEqual(made[0]?.expiresAt.getTime(), expiresAt.getTime())
        assert.strictEqual((yield* findWorkItem(b.id))?.offeredTo, bob.id)
        assert.strictEqual((yield* findWorkItem(a.id))?.offeredTo, ann.id)
      })
    )

    it.effect("counts free slots from assigned work and pending offers, and lists who refused an item", () =>
      Effect.gen(function* () {
        const skill = yield* createSkill({ name: unique("load") })
        const other = yield* createSkill({ name: unique("other") })
        const ann = yield* newAgent("ann", skill, 2)
        const bob = yield* newAgent("bob", skill, 1)
        const cid = yield* newAgent("cid", other, 3)
        const queue = yield* createQueue({ name: unique("load") })
        const urgent = yield* queued(queue.id, 1)
        const later = yield* queued(queue.id, 4)
        const free = () =>
          Effect.map(
            routingCandidates({ channel: "apple_messages", requiredSkills: [skill.name] }),
            (rows) =>
              new Map(rows.filter((r) => [ann.id, bob.id, cid.id].includes(r.agentId)).map((r) => [r.agentId, r.free]))
          )
        assert.deepStrictEqual(
          yield* free(),
          new Map([
            [ann.id, 2],
            [bob.id, 1]
          ])
        )

        const [offer] = yield* offerWorkItems(
          [{ workItemId: urgent.id, agentId: bob.id }],
          new Date(Date.now() + 60_000)
        )
        assert.deepStrictEqual(yield* free(), new Map([[ann.id, 2]]))
        yield* settlePendingOffer(offer?.id ?? "", "rejected", "not mine")
        yield* offerWorkItems([{ workItemId: urgent.id, agentId: ann.id }], new Date(Date.now() + 60_000))
        const accepted = (yield* offersOf(urgent.id)).find((o) => o.state === "offered")
        yield* settlePendingOffer(accepted?.id ?? "", "accepted")
        const loads = yield* free()
        assert.strictEqual(loads.get(ann.id), 1)
        assert.strictEqual(loads.get(bob.id), 1)

        // Bob's refusal travels with the item, and only with it.
        const other2 = yield* queued(queue.id, 4)
        const [declined] = yield* offerWorkItems(
          [{ workItemId: later.id, agentId: bob.id }],
          new Date(Date.now() + 60_000)
        )
        yield* settlePendingOffer(declined?.id ?? "", "rejected", "declined: at capacity")
        const [refused] = yield* offerWorkItems(
          [{ workItemId: later.id, agentId: ann.id }],
          new Date(Date.now() + 60_000)
        )
        yield* settlePendingOffer(refused?.id ?? "", "rejected", "busy")
        const waiting = yield* waitingWithRefusals(queue.id, 10)
        assert.deepStrictEqual(
          waiting.map((w) => [w.id, [...w.refusedBy]]),
          [
            [later.id, [ann.id]],
            [other2.id, []]
          ]
        )
      })
    )

    it.effect("times out every overdue offer of the queue at once and says when the next one is due", () =>
      Effect.gen(function* () {
        const skill = yield* createSkill({ name: unique("exp") })
        const ann = yield* newAgent("ann", skill, 3)
        const queue = yield* createQueue({ name: unique("exp") })
        const elsewhere = yield* createQueue({ name: unique("elsewhere") })
        const now = Date.now()
        const a = yield* queued(queue.id, 3)
        const b = yield* queued(queue.id, 3)
        const c = yield* queued(queue.id, 3)
        const d = yield* queued(elsewhere.id, 3)
        yield* offerWorkItems(
          [
            { workItemId: a.id, agentId: ann.id },
            { workItemId: b.id, agentId: ann.id }
          ],
          new Date(now - 1000)
        )
        yield* offerWorkItems([{ workItemId: c.id, agentId: ann.id }], new Date(now + 30_000))
        yield* offerWorkItems([{ workItemId: d.id, agentId: ann.id }], new Date(now - 1000))

        const expired = yield* expireOffers(queue.id, new Date(now))
        assert.sameMembers(
          expired.offers.map((o) => o.workItemId),
          [a.id, b.id]
        )
        assert.isTrue(expired.offers.every((o) => o.agentId === ann.id))
        assert.strictEqual(expired.nextAt?.getTime(), now + 30_000)
        for (const id of [a.id, b.id]) {
          assert.strictEqual((yield* findWorkItem(id))?.state, "queued")
          assert.deepStrictEqual(
            (yield* offersOf(id)).map((o) => o.state),
            ["timed_out"]
          )
        }
        assert.strictEqual((yield* findWorkItem(c.id))?.state, "offered")
        assert.strictEqual((yield* findWorkItem(d.id))?.state, "offered")
        assert.lengthOf((yield* expireOffers(queue.id, new Date(now))).offers, 0)
      })
    )

    it.effect("a waiting item's place in line counts higher priorities and older items, and the recent wait", () =>
      Effect.gen(function* () {
        const queue = yield* createQueue({ name: unique("line") })
        const older = yield* queued(queue.id, 3)
        const urgent = yield* queued(queue.id, 1)
        const mine = yield* queued(queue.id, 3)
        const later = yield* queued(queue.id, 3)
        assert.strictEqual((yield* placeInLine(urgent.id))?.position, 1)
        assert.strictEqual((yield* placeInLine(older.id))?.position, 2)
        assert.strictEqual((yield* placeInLine(mine.id))?.position, 3)
        assert.strictEqual((yield* placeInLine(later.id))?.position, 4)
        assert.isNull((yield* placeInLine(mine.id))?.recentWaitSeconds ?? null)
        // One item taken by an agent 90 s after it was queued: that is the recent wait, and it left the line.
        const db = yield* Db
        yield* db.use("test.assign", (d) =>
          d
            .update(workItems)
            .set({
              state: "assigned",
              createdAt: new Date(Date.now() - 120_000),
              assignedAt: new Date(Date.now() - 30_000)
            })
            .where(eq(workItems.id, urgent.id))
        )
        const place = yield* placeInLine(mine.id)
        assert.strictEqual(place?.position, 2)
        assert.approximately(place?.recentWaitSeconds ?? 0, 90, 1)
        assert.isUndefined(yield* placeInLine(crypto.randomUUID()))
      })
    )
  })
}
