import { assert } from "@effect/vitest"
import { eq } from "drizzle-orm"
import { Effect, Queue, Schema, type Scope } from "effect"
import { AgentEvent } from "../../actors/agent/AgentEvents.ts"
import { Agent, type Message as AgentMessage, agentTopic, SetPresence } from "../../actors/agent/AgentProtocol.ts"
import {
  Conversation,
  type Message as ConversationMessage,
  conversationId
} from "../../actors/conversation/ConversationProtocol.ts"
import { Db } from "../../db/Db.ts"
import { findUserByLogin } from "../../db/queries/users.ts"
import type { CallbackSchedule } from "../../db/schema/queues.ts"
import { queues } from "../../db/schema/queues.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import type { CustomerOptions, Received, SimCustomer } from "../../sim/SimCustomer.ts"
import type { TestNode } from "../support/TestNode.ts"
import { deviceOf } from "./sharedNode.ts"
import { inNode } from "./support.ts"

/**
 * An agent's side of the live chat, driven as the workspace socket would: tells to the agent and
 * conversation actors, and the events pushed on the agent's topic, in order.
 */
export interface Desk {
  readonly id: string
  readonly name: string
  readonly events: Queue.Queue<AgentEvent>
  /** Every event seen so far (including those skipped while waiting for another type). */
  readonly seen: Array<AgentEvent>
}

const decode = Schema.decodeUnknownEither(AgentEvent)

/** Subscribes to the agent's topic before anything happens, so no event is missed. */
export const desk = (node: TestNode, login: string): Effect.Effect<Desk, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const user = yield* inNode(node, findUserByLogin(login))
    assert.isDefined(user, `no demo user ${login}`)
    const events = yield* Queue.unbounded<AgentEvent>()
    const seen: Array<AgentEvent> = []
    const sys = yield* Effect.provide(ActorSystem, node.context)
    yield* sys.events(agentTopic(user!.id), (payload) => {
      const event = decode(payload)
      if (event._tag === "Left") return Effect.void
      seen.push(event.right)
      return Queue.offer(events, event.right).pipe(Effect.asVoid)
    })
    return { id: user!.id, name: user!.displayName, events, seen }
  })

/** The next event of `type` (others are passed over), failing the test after 30 s. */
export const nextEvent = (
  d: Desk,
  type: string,
  where: (e: AgentEvent) => boolean = () => true
): Effect.Effect<AgentEvent, Error> =>
  Effect.gen(function* () {
    while (true) {
      const e = yield* Queue.take(d.events)
      if (e.type === type && where(e)) return e
    }
  }).pipe(Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error(`no ${type} event for ${d.name}`) }))

export const tellAgent = (node: TestNode, agentId: string, message: AgentMessage) =>
  Effect.provide(
    Effect.flatMap(ActorSystem, (sys) => sys.tell(Agent, agentId, message)),
    node.context
  ).pipe(Effect.asVoid, Effect.orDie)

export const tellConversation = (node: TestNode, customer: SimCustomer, message: ConversationMessage) =>
  Effect.provide(
    Effect.flatMap(ActorSystem, (sys) => sys.tell(Conversation, conversationId(node.businessId, customer.id), message)),
    node.context
  ).pipe(Effect.asVoid, Effect.orDie)

export const available = (node: TestNode, d: Desk) =>
  tellAgent(node, d.id, SetPresence.make({ channel: "apple_messages", state: "available" }))

const typingKinds = new Set(["typing_start", "typing_end"])

/** The customer's next message that is not a typing indicator. */
export const nextMessage = (customer: SimCustomer): Effect.Effect<Received, Error> =>
  customer
    .next((r) => !typingKinds.has(r.message.type))
    .pipe(Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error("no message arrived") }))

export const textBody = (r: Received): string => (r.message.type === "text" ? r.message.body : `<${r.message.type}>`)

/** Skips the bot's lines until one containing `part` (a greeting may come first). */
export const untilText = (customer: SimCustomer, part: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 10; i++) {
      const r = yield* nextMessage(customer)
      if (textBody(r).includes(part)) return r
    }
    return yield* Effect.fail(new Error(`no message with "${part}"`))
  })

export interface Live {
  readonly interactionId: string
  readonly workItemId: string
}

/**
 * Story step 8: the customer asks for a person, the queue offers the chat to `d`, who accepts;
 * the customer is told who they are chatting with.
 */
export const goLive = (node: TestNode, customer: SimCustomer, d: Desk, ask = "agent") =>
  Effect.gen(function* () {
    yield* customer.say(ask)
    yield* untilText(customer, "connecting you with a live agent")
    const offer = yield* nextEvent(d, "offer")
    const offerId = String(offer.body.offerId)
    yield* tellAgent(node, d.id, { _tag: "Accept", offerId })
    const hello = yield* untilText(customer, `You're now chatting with ${d.name}`)
    assert.strictEqual(hello.autoReply, true)
    const live: Live = { interactionId: String(offer.body.interactionId), workItemId: String(offer.body.workItemId) }
    return live
  })

/** Where most live-chat tests start: Ava available, and the customer's chat live with her. */
export const liveWithAva = (node: TestNode, email: string, options: CustomerOptions = {}) =>
  Effect.gen(function* () {
    const ava = yield* desk(node, "ava.agent")
    yield* available(node, ava)
    const { device } = yield* deviceOf(node, email, options)
    const live = yield* goLive(node, device, ava)
    return { ava, device, live }
  })

/** Call-back slots seconds apart at any hour, so a test sees the follow-up routed at its time. */
export const quickCallbacks = (node: TestNode, queue: string, schedule: Partial<CallbackSchedule> = {}) =>
  inNode(
    node,
    Effect.flatMap(Db, (db) =>
      db.use("test.callbackSchedule", (d) =>
        d
          .update(queues)
          .set({
            callbackSchedule: {
              hoursUtc: [0, 24],
              weekdays: [0, 1, 2, 3, 4, 5, 6],
              slotSeconds: 5,
              leadSeconds: 3,
              count: 3,
              ...schedule
            }
          })
          .where(eq(queues.name, queue))
      )
    )
  )
