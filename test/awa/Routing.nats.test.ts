import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { Accept, Agent, Reject, SetPresence } from "../../actors/agent/AgentProtocol.ts"
import { presenceHistoryOf } from "../../db/queries/agents.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import {
  awaLayer,
  eventually,
  handOff,
  itemOf,
  makeRecorder,
  newAgent,
  newQueue,
  newSkill,
  offersFor,
  pendingOffer,
  statusOf
} from "./support.ts"

const recorder = makeRecorder()

const accept = (agentId: string, offerId: string) =>
  Effect.flatMap(ActorSystem, (sys) => sys.tell(Agent, agentId, Accept.make({ offerId })))

const offline = (agentId: string) =>
  Effect.flatMap(ActorSystem, (sys) =>
    sys.tell(Agent, agentId, SetPresence.make({ channel: "apple_messages", state: "offline" }))
  )

/** Offers an item and has the agent it went to accept it; returns that agent. */
const assignNext = (queue: { readonly id: string; readonly name: string }) =>
  Effect.gen(function* () {
    const item = yield* handOff(queue)
    const offer = yield* pendingOffer(item.id)
    yield* accept(offer.agentId, offer.id)
    yield* eventually(itemOf(item.id), (w) => w?.state === "assigned", "assigned")
    return offer.agentId
  })

layer(awaLayer("awa", recorder), { timeout: 120_000, excludeTestServices: true })(
  "queues and agents on NATS and PostgreSQL",
  (it) => {
    it.effect("Most Capacity takes the most free slots, Last Assigned the longest idle; the customer is told", () =>
      Effect.gen(function* () {
        const skill = yield* newSkill("rules")
        const ann = yield* newAgent("Ann Rules", { skills: [skill], capacity: 4 })
        const bob = yield* newAgent("Bob Rules", { skills: [skill], capacity: 2 })
        const conditions = { requiredSkills: [skill.name] }
        const lastAssigned = yield* newQueue({
          label: "la",
          routingConditions: conditions,
          assignmentRule: "last_assigned"
        })
        const mostCapacity = yield* newQueue({ label: "mc", routingConditions: conditions })
        // Neither was ever assigned: a tie on idle time goes to the most free slots.
        assert.strictEqual(yield* assignNext(lastAssigned), ann.id)
        // Bob has waited longest since an assignment (never).
        assert.strictEqual(yield* assignNext(lastAssigned), bob.id)
        // Ann 3 free of 4, Bob 1 of 2.
        assert.strictEqual(yield* assignNext(mostCapacity), ann.id)
        // Each acceptance reached the (stand-in) conversation once, naming the agent.
        const accepted = yield* eventually(
          Effect.sync(() => recorder.received.filter((r) => r.message._tag === "Accepted")),
          (r) => r.length >= 3,
          "three Accepted"
        )
        assert.deepStrictEqual(
          accepted.map((r) => (r.message._tag === "Accepted" ? r.message.agentName : "")),
          ["Ann Rules", "Bob Rules", "Ann Rules"]
        )
        for (const agent of [ann, bob]) yield* offline(agent.id)
      })
    )

    it.effect("mandatory skills: only an agent with every required skill is offered the work", () =>
      Effect.gen(function* () {
        const cards = yield* newSkill("cards")
        const disputes = yield* newSkill("disputes")
        const generalist = yield* newAgent("generalist", { skills: [cards], capacity: 10 })
        const expert = yield* newAgent("expert", { skills: [cards, disputes], capacity: 1 })
        const queue = yield* newQueue({
          label: "disp",
          routingConditions: { requiredSkills: [cards.name, disputes.name] }
        })
        const item = yield* handOff(queue)
        const offer = yield* pendingOffer(item.id)
        assert.strictEqual(offer.agentId, expert.id)
        // The expert is full (one pending offer): the next item waits rather than going to the generalist.
        const second = yield* handOff(queue)
        yield* Effect.sleep("1500 millis")
        assert.strictEqual((yield* itemOf(second.id))?.state, "queued")
        for (const agent of [generalist, expert]) yield* offline(agent.id)
        yield* eventually(itemOf(item.id), (w) => w?.state === "queued", "offer withdrawn when the expert left")
      })
    )

    it.effect("no answer within the accept time: the next agent gets it and the first is set Away", () =>
      Effect.gen(function* () {
        const skill = yield* newSkill("timeout")
        const first = yield* newAgent("first", { skills: [skill] })
        const second = yield* newAgent("second", { skills: [skill] })
        const queue = yield* newQueue({
          label: "to",
          routingConditions: { requiredSkills: [skill.name] },
          acceptTimeoutSeconds: 1
        })
        const item = yield* handOff(queue)
        const offer = yield* pendingOffer(item.id)
        const silent = offer.agentId
        const next = yield* eventually(
          offersFor([item.id]),
          (rows) => rows.length === 2 && rows[1]?.state === "offered",
          "a second offer",
          "10 seconds"
        )
        assert.strictEqual(next[0]?.state, "timed_out")
        assert.notStrictEqual(next[1]?.agentId, silent)
        const status = yield* eventually(statusOf(silent), (s) => s.channels[0]?.state === "away", "set away")
        assert.strictEqual(status.channels[0]?.label, "No answer")
        assert.deepStrictEqual(status.pending, [])
        assert.strictEqual((yield* presenceHistoryOf(silent))[0]?.state, "away")
        yield* accept(next[1]!.agentId, next[1]!.id)
        yield* eventually(itemOf(item.id), (w) => w?.state === "assigned" && w.assignedTo !== silent, "assigned")
        for (const agent of [first, second]) yield* offline(agent.id)
      })
    )

    it.effect("a rejection with a reason goes to the next agent, and never back to the one who said no", () =>
      Effect.gen(function* () {
        const skill = yield* newSkill("reject")
        const ann = yield* newAgent("ann", { skills: [skill] })
        const bob = yield* newAgent("bob", { skills: [skill] })
        const queue = yield* newQueue({ label: "rej", routingConditions: { requiredSkills: [skill.name] } })
        const item = yield* handOff(queue)
        const offer = yield* pendingOffer(item.id)
        const sys = yield* ActorSystem
        yield* sys.tell(Agent, offer.agentId, Reject.make({ offerId: offer.id, reason: "not my area" }))
        const second = yield* pendingOffer(item.id)
        assert.notStrictEqual(second.agentId, offer.agentId)
        yield* sys.tell(Agent, second.agentId, Reject.make({ offerId: second.id, reason: "busy" }))
        const rows = yield* eventually(
          offersFor([item.id]),
          (r) => r.every((o) => o.state === "rejected"),
          "both rejected"
        )
        assert.deepStrictEqual(
          rows.map((o) => o.reason),
          ["not my area", "busy"]
        )
        yield* Effect.sleep("1500 millis")
        assert.strictEqual((yield* itemOf(item.id))?.state, "queued")
        assert.strictEqual((yield* offersFor([item.id])).length, 2)
        for (const agent of [ann, bob]) yield* offline(agent.id)
      })
    )

    it.effect(
      "overflow after the wait, then the end of the line tells the conversation; a late agent still takes it",
      () =>
        Effect.gen(function* () {
          const skill = yield* newSkill("overflow")
          const nobody = yield* newSkill("nobody")
          const last = yield* newQueue({
            label: "last",
            routingConditions: { requiredSkills: [skill.name] },
            maxWaitSeconds: 1
          })
          const first = yield* newQueue({
            label: "first",
            routingConditions: { requiredSkills: [nobody.name] },
            maxWaitSeconds: 1,
            overflowQueueId: last.id
          })
          const item = yield* handOff(first)
          yield* eventually(itemOf(item.id), (w) => w?.queueId === last.id, "moved to the overflow queue", "10 seconds")
          const told = yield* eventually(
            Effect.sync(() =>
              recorder.received.filter((r) => r.message._tag === "WaitExceeded" && r.message.workItemId === item.id)
            ),
            (r) => r.length === 1,
            "WaitExceeded",
            "10 seconds"
          )
          assert.strictEqual(told[0]?.message._tag === "WaitExceeded" ? told[0].message.queue : "", last.name)
          const agent = yield* newAgent("late", { skills: [skill] })
          const offer = yield* pendingOffer(item.id)
          assert.strictEqual(offer.agentId, agent.id)
          yield* offline(agent.id)
        })
    )

    it.effect("an agent going Offline mid-offer: the item goes to someone else", () =>
      Effect.gen(function* () {
        const skill = yield* newSkill("offline")
        const ann = yield* newAgent("ann", { skills: [skill] })
        const bob = yield* newAgent("bob", { skills: [skill] })
        const queue = yield* newQueue({ label: "off", routingConditions: { requiredSkills: [skill.name] } })
        const item = yield* handOff(queue)
        const offer = yield* pendingOffer(item.id)
        yield* offline(offer.agentId)
        const next = yield* pendingOffer(item.id)
        assert.notStrictEqual(next.agentId, offer.agentId)
        const first = (yield* offersFor([item.id]))[0]
        assert.strictEqual(first?.state, "rejected")
        assert.strictEqual(first?.reason, "declined: went offline")
        assert.strictEqual((yield* presenceHistoryOf(offer.agentId))[0]?.state, "offline")
        yield* accept(next.agentId, next.id)
        yield* eventually(itemOf(item.id), (w) => w?.assignedTo === next.agentId, "assigned to the other")
        for (const agent of [ann, bob]) yield* offline(agent.id)
      })
    )

    it.effect("two queues racing for one agent's last slot: the agent's actor declines the second", () =>
      Effect.gen(function* () {
        const skill = yield* newSkill("race")
        const solo = yield* newAgent("solo", { skills: [skill], capacity: 1 })
        const conditions = { requiredSkills: [skill.name] }
        const queues = [
          yield* newQueue({ label: "r1", routingConditions: conditions }),
          yield* newQueue({ label: "r2", routingConditions: conditions }),
          yield* newQueue({ label: "r3", routingConditions: conditions })
        ]
        const items = yield* Effect.forEach(queues, (q) => handOff(q), { concurrency: "unbounded" })
        const ids = items.map((i) => i.id)
        yield* Effect.sleep("1500 millis")
        const status = yield* statusOf(solo.id)
        assert.isAtMost(status.pending.length, 1)
        const held = status.pending[0]
        assert.isDefined(held)
        yield* accept(solo.id, held!.offerId)
        yield* eventually(itemOf(held!.workItemId), (w) => w?.state === "assigned", "assigned")
        yield* Effect.sleep("1000 millis")
        const rows = yield* offersFor(ids)
        assert.strictEqual(rows.filter((o) => o.state === "accepted").length, 1)
        assert.strictEqual(rows.filter((o) => o.state === "offered").length, 0)
        for (const o of rows.filter((r) => r.state === "rejected")) assert.match(o.reason ?? "", /^declined:/)
        yield* offline(solo.id)
      })
    )
  }
)
