import { randomBytes, randomUUID } from "node:crypto"
import { assert } from "@effect/vitest"
import { Deferred, Effect, Queue, Schedule, type Scope } from "effect"
import WebSocket from "ws"
import { conversationId } from "../../actors/conversation/ConversationProtocol.ts"
import { setCapacity } from "../../db/queries/agents.ts"
import { findCustomerByEmail } from "../../db/queries/customers.ts"
import { openInteraction } from "../../db/queries/interactions.ts"
import { createQueue, createSkill, grantSkill } from "../../db/queries/queues.ts"
import { createUser, setApiToken } from "../../db/queries/users.ts"
import { enqueueWorkItem, offerWorkItem } from "../../db/queries/workItems.ts"
import type { RoleName } from "../../db/schema/users.ts"
import { demoPasswordDefault } from "../../db/seed/staff.ts"
import type { Received, SimCustomer } from "../../sim/SimCustomer.ts"
import type { TestNode } from "../support/TestNode.ts"

/** A frame from the server, as the client sees it (tests read fields by name). */
export interface Frame {
  readonly v: number
  readonly type: string
  readonly ref?: string
  readonly code?: string
  readonly reason?: string
  readonly result?: Record<string, unknown>
  readonly event?: WsEvent
  readonly [key: string]: unknown
}

export interface WsEvent {
  readonly id: number | null
  readonly type: string
  readonly at: string
  readonly body: Record<string, unknown>
}

/**
 * A real `ws` client of the agent socket: frames are kept in arrival order; `command` sends one
 * and waits for the `ack` or `error` carrying its ref; `nextEvent` waits for an event.
 */
export interface WsClient {
  readonly raw: WebSocket
  readonly welcome: Effect.Effect<Frame>
  readonly events: Array<WsEvent>
  readonly errors: Array<Frame>
  readonly sendRaw: (data: string) => Effect.Effect<void>
  readonly command: (type: string, fields?: Record<string, unknown>) => Effect.Effect<Frame, Error>
  readonly nextEvent: (
    predicate: (e: WsEvent) => boolean,
    what: string,
    within?: number
  ) => Effect.Effect<WsEvent, Error>
  /** The close code, once closed. */
  readonly closed: Effect.Effect<number>
  readonly close: () => Effect.Effect<number>
}

export const wsUrl = (node: TestNode, query = "") => `${node.url.replace("http", "ws")}/ws${query}`

export const connect = (
  node: TestNode,
  options: { readonly header?: string; readonly query?: string } = {}
): Effect.Effect<WsClient, never, Scope.Scope> =>
  Effect.gen(function* () {
    const raw = new WebSocket(wsUrl(node, options.query), {
      ...(options.header !== undefined ? { headers: { authorization: `Bearer ${options.header}` } } : {})
    })
    const welcome = yield* Deferred.make<Frame>()
    const closed = yield* Deferred.make<number>()
    const replies = new Map<string, Deferred.Deferred<Frame>>()
    const events: Array<WsEvent> = []
    const errors: Array<Frame> = []
    const arrivals = yield* Queue.unbounded<WsEvent>()
    raw.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame
      if (frame.type === "welcome") Deferred.unsafeDone(welcome, Effect.succeed(frame))
      if (frame.type === "event" && frame.event !== undefined) {
        events.push(frame.event)
        Queue.unsafeOffer(arrivals, frame.event)
      }
      if (frame.type === "error") errors.push(frame)
      if ((frame.type === "ack" || frame.type === "error") && frame.ref !== undefined) {
        const waiting = replies.get(frame.ref)
        if (waiting !== undefined) Deferred.unsafeDone(waiting, Effect.succeed(frame))
      }
    })
    raw.on("close", (code) => Deferred.unsafeDone(closed, Effect.succeed(code)))
    raw.on("error", () => Deferred.unsafeDone(closed, Effect.succeed(1006)))
    yield* Effect.async<void>((resume) => {
      if (raw.readyState === raw.OPEN) return resume(Effect.void)
      raw.once("open", () => resume(Effect.void))
      raw.once("close", () => resume(Effect.void))
    })
    yield* Effect.addFinalizer(() => Effect.sync(() => raw.terminate()))
    const sendRaw = (data: string) => Effect.sync(() => raw.send(data))
    const command = (type: string, fields: Record<string, unknown> = {}) =>
      Effect.gen(function* () {
        const ref = randomUUID()
        const reply = yield* Deferred.make<Frame>()
        replies.set(ref, reply)
        yield* sendRaw(JSON.stringify({ v: 1, type, ref, ...fields }))
        return yield* Deferred.await(reply).pipe(
          Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error(`no reply to ${type}`) })
        )
      })
    // Searched from the socket's first event: one that came before the wait began still counts.
    const nextEvent = (predicate: (e: WsEvent) => boolean, what: string, within = 30_000) =>
      Effect.gen(function* () {
        while (true) {
          const found = events.find(predicate)
          if (found !== undefined) return found
          yield* Queue.take(arrivals)
        }
      }).pipe(Effect.timeoutFail({ duration: within, onTimeout: () => new Error(`no event: ${what}`) }))
    return {
      raw,
      welcome: Deferred.await(welcome),
      events,
      errors,
      sendRaw,
      command,
      nextEvent,
      closed: Deferred.await(closed),
      close: () =>
        Effect.zipRight(
          Effect.sync(() => raw.close()),
          Deferred.await(closed)
        )
    }
  })

/** A sign-in over HTTP: a session token for a demo user. */
export const login = (node: TestNode, login: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${node.url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login, password: demoPasswordDefault })
    })
    const body = (await response.json()) as { token: string; user: { userId: string } }
    return { token: body.token, userId: body.user.userId }
  })

export interface TestUser {
  readonly id: string
  readonly token: string
}

/** A staff user of this test only, with an API token (the bearer) and Apple chat capacity. */
export const newStaff = (label: string, role: RoleName, options: { readonly skills?: ReadonlyArray<string> } = {}) =>
  Effect.gen(function* () {
    const login = `${label}-${randomBytes(4).toString("hex")}`
    const user = yield* createUser({ login, email: `${login}@example.test`, displayName: label, roles: [role] })
    const token = `tok-${randomBytes(16).toString("hex")}`
    yield* setApiToken(user.id, token)
    yield* setCapacity(user.id, "apple_messages", 3)
    for (const skill of options.skills ?? []) yield* grantSkill(user.id, skill)
    return { id: user.id, token } satisfies TestUser
  })

export const newSkill = (label: string) => createSkill({ name: `${label}-${randomBytes(4).toString("hex")}` })

/** Polls until `check` holds (state written by actors after the command was acked). */
export const eventually = <A, E, R>(effect: Effect.Effect<A, E, R>, check: (a: A) => boolean, what: string) =>
  effect.pipe(
    Effect.filterOrFail(check, () => new Error(`still waiting: ${what}`)),
    Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("30 seconds")))
  )

const typingKinds = new Set(["typing_start", "typing_end"])

export const textBody = (r: Received): string => (r.message.type === "text" ? r.message.body : `<${r.message.type}>`)

/** Skips what the business sends (greetings, typing) until a text containing `part`. */
export const untilText = (customer: SimCustomer, part: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 12; i++) {
      const r = yield* customer
        .next((m) => !typingKinds.has(m.message.type))
        .pipe(Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error(`no message with "${part}"`) }))
      if (textBody(r).includes(part)) return r
    }
    return yield* Effect.fail(new Error(`no message with "${part}"`))
  })

/** Sets the agent's presence over their socket and waits until their actor reports it. */
export const presence = (ws: WsClient, state: "available" | "away" | "offline") =>
  Effect.gen(function* () {
    const before = ws.events.length
    const reply = yield* ws.command("setPresence", { channel: "apple_messages", state })
    if (reply.type !== "ack") return yield* Effect.fail(new Error(`setPresence refused: ${reply.reason}`))
    yield* ws.nextEvent(
      (e) => ws.events.indexOf(e) >= before && e.type === "presence" && e.body.state === state,
      `presence ${state}`
    )
  })

/** An agent of this test with an open, welcomed socket. */
export const agentDesk = (node: TestNode, label: string, skills: ReadonlyArray<string> = []) =>
  Effect.gen(function* () {
    const user = yield* Effect.provide(newStaff(label, "agent_workspace_user", { skills }), node.context)
    const ws = yield* connect(node, { header: user.token })
    yield* ws.welcome
    return { user, ws }
  })

/** Jane asks for a person; the agent gets the offer and accepts it over the socket. */
export const goLive = (device: SimCustomer, desk: { readonly user: TestUser; readonly ws: WsClient }) =>
  Effect.gen(function* () {
    yield* device.say("agent")
    yield* untilText(device, "connecting you with a live agent")
    const offer = yield* desk.ws.nextEvent((e) => e.type === "offer", "an offer")
    const accepted = yield* desk.ws.command("accept", { offerId: offer.body.offerId })
    assert.strictEqual(accepted.type, "ack")
    yield* desk.ws.nextEvent((e) => e.type === "assigned", "assigned")
    yield* untilText(device, "You're now chatting with")
    return { offer, interactionId: String(offer.body.interactionId), workItemId: String(offer.body.workItemId) }
  })

/** Leaves the shared node as found: the test's agents take no more work. */
export const leave = (...desks: ReadonlyArray<{ readonly ws: WsClient }>) =>
  Effect.forEach(desks, (d) => presence(d.ws, "offline"), { discard: true })

/**
 * Jane's chat in a queue that no chat routes to, written straight to the database, offered to
 * `agentId`: what the socket tests need without a bot conversation before it.
 */
export const quietOffer = (node: TestNode, label: string, agentId: string) =>
  Effect.gen(function* () {
    const hex = () => randomBytes(6).toString("hex")
    const queue = yield* createQueue({ name: `${label}-${hex()}`, routingConditions: { intents: [`none-${hex()}`] } })
    const jane = yield* Effect.flatMap(findCustomerByEmail("jane.doe@example.com"), Effect.fromNullable)
    const opaqueId = `urn:mbid:${label}-${hex()}`
    const interaction = yield* openInteraction({
      conversationId: conversationId(node.businessId, opaqueId),
      businessId: node.businessId,
      opaqueId,
      customer: jane,
      capabilities: [],
      queueId: queue.id
    })
    const item = yield* enqueueWorkItem({ interactionId: interaction.id, queueId: queue.id })
    const offer = yield* Effect.fromNullable(yield* offerWorkItem(item.id, agentId, new Date(Date.now() + 600_000)))
    return { queue, interaction, item, offer }
  })
