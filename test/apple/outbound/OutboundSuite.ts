import { assert, it } from "@effect/vitest"
import { Deferred, Effect, type Layer, Metric, Queue, Schedule, type Scope } from "effect"
import type { Dropped } from "../../../actors/apple/AppleOutbound.ts"
import { droppedTopic } from "../../../actors/apple/AppleOutbound.ts"
import { AppleOutbound, CustomerClosed, CustomerWrote, senderId } from "../../../actors/apple/AppleOutboundProtocol.ts"
import { conversationId } from "../../../actors/conversation/ConversationProtocol.ts"
import type { Db } from "../../../db/Db.ts"
import { ActorSystem } from "../../../runtime/ActorSystem.ts"
import type { Bus } from "../../../runtime/Bus.ts"
import * as M from "../../../runtime/Metrics.ts"
import type { ObjectStore } from "../../../runtime/ObjectStore.ts"
import type { RuntimeConfig } from "../../../runtime/RuntimeConfig.ts"
import type { SimCustomer } from "../../../sim/SimCustomer.ts"
import * as Simulator from "../../../sim/Simulator.ts"
import { makeIdentity } from "../support.ts"
import {
  appleLayer,
  cleanup,
  crashingAfterSend,
  infra,
  makeRecorder,
  node,
  type Recorder,
  send,
  sendAll
} from "./support.ts"

export interface OutboundSuiteOptions {
  readonly label: string
  readonly bus: () => Layer.Layer<Bus, unknown>
  readonly db: () => Layer.Layer<Db, unknown>
}

interface Scenario {
  readonly sim: Simulator.Simulator
  readonly customer: SimCustomer
  readonly recorder: Recorder
  /** The sender's actor id and the conversation it reports to. */
  readonly sender: string
  readonly conversation: string
  readonly business: string
}

/** 32 partitions start per node; on a busy two-core host with PGlite that alone can take half a minute. */
const timeout = 120_000

const identity = makeIdentity()
const business = identity.businessIds[0] ?? ""

/** Customer webhooks (here only `close`) reach a stub MSP that accepts them. */
const acceptingMsp = () => Promise.resolve(new Response(null, { status: 200 }))

/** Polls until `check` holds; bounded generously because the first message waits for partitions to start. */
const eventually = <A, E, R>(effect: Effect.Effect<A, E, R>, check: (a: A) => boolean, what: string) =>
  effect.pipe(
    Effect.filterOrFail(check, () => new Error(`still waiting: ${what}`)),
    Effect.retry(Schedule.spaced("50 millis").pipe(Schedule.upTo("60 seconds")))
  )

const received = (customer: SimCustomer) => customer.received.map((r) => r.message.id)

const receivedCount = (customer: SimCustomer, n: number) =>
  eventually(
    Effect.sync(() => customer.received.length),
    (count) => count >= n,
    `${n} messages at the simulator`
  )

const recordedCount = (recorder: Recorder, n: number) =>
  eventually(
    Effect.sync(() => recorder.received.length),
    (count) => count >= n,
    `${n} messages to the conversation`
  )

export const outboundSuite = (options: OutboundSuiteOptions) => {
  /** A simulator with one customer, and the scenario's own prefix; asserts zero violations at the end. */
  const scenario = <E>(
    body: (s: Scenario) => Effect.Effect<void, E, Scope.Scope | Bus | Db | RuntimeConfig | ObjectStore>
  ) =>
    Effect.gen(function* () {
      const sim = yield* Simulator.make({ ...identity, secret: identity.secretText, mspFetch: acceptingMsp })
      const customer = sim.customers.add({ businessId: business })
      yield* body({
        sim,
        customer,
        recorder: makeRecorder(),
        sender: senderId(business, customer.id),
        conversation: conversationId(business, customer.id),
        business
      })
      assert.deepStrictEqual(sim.violations(), [])
    }).pipe(Effect.ensuring(cleanup), Effect.provide(infra(options.bus(), options.db())), Effect.scoped)

  /** The scenario on one node with the real client. */
  const onNode = <E>(body: (s: Scenario) => Effect.Effect<void, E, ActorSystem | Scope.Scope>) =>
    scenario((s) => body(s).pipe(Effect.provide(node(s.recorder, appleLayer(identity, s.sim)))))

  it.live(
    `${options.label}: 100 concurrent sends reach the customer in the order they were stored`,
    () =>
      onNode(({ customer, sender }) =>
        Effect.gen(function* () {
          const sys = yield* ActorSystem
          const sends = Array.from({ length: 100 }, (_, i) => send(business, customer.id, `message ${i}`))
          const acks = yield* Effect.forEach(
            sends,
            (message) => Effect.map(sys.tell(AppleOutbound, sender, message), (ack) => ({ ack, message })),
            { concurrency: "unbounded" }
          )
          const stored = [...acks].sort((a, b) => a.ack.seq - b.ack.seq).map((a) => a.message.appleMessageId)
          yield* receivedCount(customer, 100)
          assert.deepStrictEqual(received(customer), stored)
        })
      ),
    timeout
  )

  it.live(
    `${options.label}: an answer's parts go in one turn, in order, and a refused part does not hold the rest`,
    () =>
      onNode(({ sim, customer, sender, conversation, recorder }) =>
        Effect.gen(function* () {
          const sys = yield* ActorSystem
          const handled = Metric.tagged(M.messagesHandled, "kind", AppleOutbound.name)
          const before = (yield* Metric.value(handled)).count
          const answer = sendAll(business, customer.id, ["one", "two", "three", "four"])
          yield* sys.tell(AppleOutbound, sender, answer)
          yield* receivedCount(customer, 4)
          assert.deepStrictEqual(
            received(customer),
            answer.parts.map((p) => p.appleMessageId)
          )
          const refused = sendAll(business, customer.id, ["refused", "after it"])
          sim.failNext("message", 400, 1)
          yield* sys.tell(AppleOutbound, sender, refused)
          yield* receivedCount(customer, 5)
          yield* recordedCount(recorder, 1)
          assert.deepStrictEqual(received(customer).slice(4), [refused.parts[1]?.appleMessageId])
          assert.deepStrictEqual(
            recorder.received.map((r) => [r.conversation, r.message._tag, "status" in r.message && r.message.status]),
            [[conversation, "DeliveryFailed", 400]]
          )
          // Two answers, two turns: not one per part.
          yield* eventually(
            Effect.map(Metric.value(handled), (h) => h.count - before),
            (turns) => turns >= 2,
            "two sender turns"
          )
          assert.strictEqual((yield* Metric.value(handled)).count - before, 2)
        })
      ),
    timeout
  )

  it.live(
    `${options.label}: two 500s are retried in the turn, then the message goes through`,
    () =>
      onNode(({ sim, customer, sender, recorder }) =>
        Effect.gen(function* () {
          const sys = yield* ActorSystem
          sim.failNext("message", 500, 2)
          const first = send(business, customer.id, "after two failures")
          const second = send(business, customer.id, "next")
          yield* sys.tell(AppleOutbound, sender, first)
          yield* sys.tell(AppleOutbound, sender, second)
          yield* receivedCount(customer, 2)
          assert.deepStrictEqual(received(customer), [first.appleMessageId, second.appleMessageId])
          assert.isTrue(sim.state.failures.every((f) => f.remaining === 0))
          assert.deepStrictEqual(recorder.received, [])
        })
      ),
    timeout
  )

  it.live(
    `${options.label}: 404 marks the customer unreachable and tells the conversation`,
    () =>
      onNode(({ sim, customer, sender, conversation, recorder }) =>
        Effect.gen(function* () {
          const sys = yield* ActorSystem
          const dropped = yield* Queue.unbounded<Dropped>()
          yield* sys.events(droppedTopic, (payload) => Queue.offer(dropped, payload as Dropped))
          sim.setCustomerStatus(customer.id, 404)
          const lost = send(business, customer.id, "to nobody")
          yield* sys.tell(AppleOutbound, sender, lost)
          yield* recordedCount(recorder, 1)
          assert.deepStrictEqual(recorder.received, [
            { conversation, message: { _tag: "CustomerUnreachable", appleMessageId: lost.appleMessageId } }
          ])
          // Apple would accept again, but the sender stays closed until the customer writes.
          sim.setCustomerStatus(customer.id, undefined)
          const held = send(business, customer.id, "while unreachable")
          yield* sys.tell(AppleOutbound, sender, held)
          const event = yield* Queue.take(dropped)
          assert.strictEqual(event.appleMessageId, held.appleMessageId)
          assert.strictEqual(event.reason, "unreachable")
          yield* sys.tell(AppleOutbound, sender, CustomerWrote.make({}))
          const after = send(business, customer.id, "welcome back")
          yield* sys.tell(AppleOutbound, sender, after)
          yield* receivedCount(customer, 1)
          assert.deepStrictEqual(received(customer), [after.appleMessageId])
          assert.strictEqual(recorder.received.length, 1)
        })
      ),
    timeout
  )

  it.live(
    `${options.label}: 400 and 403 become DeliveryFailed and later messages still go`,
    () =>
      onNode(({ sim, customer, sender, conversation, recorder }) =>
        Effect.gen(function* () {
          const sys = yield* ActorSystem
          const malformed = send(business, customer.id, "refused")
          const forbidden = send(business, customer.id, "refused too")
          const fine = send(business, customer.id, "accepted")
          sim.failNext("message", 400, 1)
          yield* sys.tell(AppleOutbound, sender, malformed)
          yield* recordedCount(recorder, 1)
          sim.failNext("message", 403, 1)
          yield* sys.tell(AppleOutbound, sender, forbidden)
          yield* sys.tell(AppleOutbound, sender, fine)
          yield* receivedCount(customer, 1)
          yield* recordedCount(recorder, 2)
          assert.deepStrictEqual(received(customer), [fine.appleMessageId])
          assert.deepStrictEqual(
            recorder.received.map((r) => [r.conversation, r.message._tag, "status" in r.message && r.message.status]),
            [
              [conversation, "DeliveryFailed", 400],
              [conversation, "DeliveryFailed", 403]
            ]
          )
        })
      ),
    timeout
  )

  it.live(
    `${options.label}: CustomerClosed stops sending, CustomerWrote resumes`,
    () =>
      onNode(({ customer, sender }) =>
        Effect.gen(function* () {
          const sys = yield* ActorSystem
          const dropped = yield* Queue.unbounded<Dropped>()
          yield* sys.events(droppedTopic, (payload) => Queue.offer(dropped, payload as Dropped))
          const before = send(business, customer.id, "before the close")
          yield* sys.tell(AppleOutbound, sender, before)
          yield* receivedCount(customer, 1)
          // The simulator refuses (and records a violation for) any send after this close.
          yield* customer.close()
          yield* sys.tell(AppleOutbound, sender, CustomerClosed.make({}))
          const held = [send(business, customer.id, "one"), send(business, customer.id, "two")]
          for (const message of held) yield* sys.tell(AppleOutbound, sender, message)
          const events = [yield* Queue.take(dropped), yield* Queue.take(dropped)]
          assert.deepStrictEqual(
            events.map((e) => [e.appleMessageId, e.reason]),
            held.map((m) => [m.appleMessageId, "closed"])
          )
          yield* customer.say("I'm back")
          yield* sys.tell(AppleOutbound, sender, CustomerWrote.make({}))
          const after = send(business, customer.id, "after the customer wrote")
          yield* sys.tell(AppleOutbound, sender, after)
          yield* receivedCount(customer, 2)
          assert.deepStrictEqual(received(customer), [before.appleMessageId, after.appleMessageId])
        })
      ),
    timeout
  )

  it.live(
    `${options.label}: a resend after a crash between Apple's 200 and the commit is not a duplicate`,
    () =>
      scenario(({ sim, customer, sender, recorder }) =>
        Effect.gen(function* () {
          const real = appleLayer(identity, sim)
          const crashing = send(business, customer.id, "sent, then the node died")
          const next = send(business, customer.id, "after the restart")
          const reachedApple = yield* Deferred.make<void>()
          // First node: Apple accepts the message, the node dies before recording it.
          yield* Effect.scoped(
            Effect.gen(function* () {
              const sys = yield* ActorSystem
              yield* sys.tell(AppleOutbound, sender, crashing)
              yield* Deferred.await(reachedApple)
              assert.deepStrictEqual(received(customer), [crashing.appleMessageId])
            }).pipe(
              Effect.provide(
                node(
                  recorder,
                  crashingAfterSend(
                    real,
                    crashing.appleMessageId,
                    Deferred.succeed(reachedApple, undefined).pipe(Effect.asVoid)
                  )
                )
              )
            )
          )
          // Second node, same bus and database: the message is redelivered and sent again, same id.
          yield* Effect.scoped(
            Effect.gen(function* () {
              const sys = yield* ActorSystem
              yield* eventually(
                Effect.sync(() => sim.state.resends.get(crashing.appleMessageId) ?? 0),
                (n) => n >= 1,
                "the resend"
              )
              yield* sys.tell(AppleOutbound, sender, next)
              yield* receivedCount(customer, 2)
              assert.deepStrictEqual(received(customer), [crashing.appleMessageId, next.appleMessageId])
              assert.strictEqual(sim.state.resends.get(crashing.appleMessageId), 1)
            }).pipe(Effect.provide(node(recorder, real)))
          )
        })
      ),
    timeout
  )
}
