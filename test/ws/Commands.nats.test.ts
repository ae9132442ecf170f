import { randomBytes } from "node:crypto"
import { assert, layer } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { conversationId } from "../../actors/conversation/ConversationProtocol.ts"
import { casesOfInteraction } from "../../db/queries/cases.ts"
import { findCustomerByEmail } from "../../db/queries/customers.ts"
import { openInteraction, updateInteraction } from "../../db/queries/interactions.ts"
import { createQueue } from "../../db/queries/queues.ts"
import { enqueueWorkItem, offerWorkItem, settleOffer } from "../../db/queries/workItems.ts"
import { E2eNode, nodeLayer } from "../conversation/sharedNode.ts"
import { inNode, nodeOptions } from "../conversation/support.ts"
import * as TestNode from "../support/TestNode.ts"
import { connect, type Frame, login, newSkill, newStaff, type TestUser, type WsClient } from "./support.ts"

/**
 * The socket's handshake and every command × role: the agent who owns the interaction (ack), another
 * agent and a manager on someone else's chat (not_found), a manager on their own (ack), a customer
 * (forbidden, whatever the command). Fixtures are written straight to the database, in a queue no
 * chat routes to, so no other actor acts on them while the checks run.
 */

const hex = () => randomBytes(6).toString("hex")

interface Fixture {
  readonly interactionId: string
  readonly workItemId: string
  readonly offerId: string
}

const setup = (node: TestNode.TestNode) =>
  inNode(
    node,
    Effect.gen(function* () {
      const skill = yield* newSkill("ws-nobody")
      const quiet = { intents: [`ws-none-${hex()}`], requiredSkills: [skill.name] }
      const parking = yield* createQueue({ name: `ws-parking-${hex()}`, routingConditions: quiet })
      const target = yield* createQueue({ name: `ws-target-${hex()}`, routingConditions: quiet })
      const jane = yield* findCustomerByEmail("jane.doe@example.com")
      assert.isDefined(jane)
      const owner = yield* newStaff("ws-owner", "agent_workspace_user")
      const other = yield* newStaff("ws-other", "agent_workspace_user")
      const manager = yield* newStaff("ws-manager", "sn_customerservice_manager")
      return { parking, target, jane: jane!, owner, other, manager }
    })
  )

type Setup = Effect.Effect.Success<ReturnType<typeof setup>>

/** A chat assigned to `agentId` (with its work item) and a second one offered to them. */
const fixture = (node: TestNode.TestNode, s: Setup, agentId: string, capabilities: ReadonlyArray<string>) =>
  inNode(
    node,
    Effect.gen(function* () {
      const chat = () =>
        Effect.gen(function* () {
          const opaqueId = `urn:mbid:ws-fixture-${hex()}`
          const row = yield* openInteraction({
            conversationId: conversationId(node.businessId, opaqueId),
            businessId: node.businessId,
            opaqueId,
            customer: s.jane,
            capabilities,
            queueId: s.parking.id
          })
          return { row, item: yield* enqueueWorkItem({ interactionId: row.id, queueId: s.parking.id }) }
        })
      const later = new Date(Date.now() + 600_000)
      const assigned = yield* chat()
      const offer = yield* offerWorkItem(assigned.item.id, agentId, later)
      yield* settleOffer(offer!.id, "accepted")
      yield* updateInteraction(assigned.row.id, { assignedTo: agentId, state: "work_in_progress" })
      const pending = yield* chat()
      const offered = yield* offerWorkItem(pending.item.id, agentId, later)
      return { interactionId: assigned.row.id, workItemId: assigned.item.id, offerId: offered!.id } satisfies Fixture
    })
  )

const commands = (s: Setup, f: Fixture): ReadonlyArray<readonly [string, Record<string, unknown>]> => [
  ["setPresence", { channel: "apple_messages", state: "away", label: "Training" }],
  ["reject", { offerId: f.offerId, reason: "not my area" }],
  ["accept", { offerId: f.offerId }],
  ["send", { interactionId: f.interactionId, clientMessageId: hex(), content: { kind: "text", body: "Hi" } }],
  ["typing", { interactionId: f.interactionId, active: true }],
  ["createCase", { interactionId: f.interactionId, shortDescription: "Card not received" }],
  ["scheduleCallBack", { interactionId: f.interactionId, queue: "mortgage_specialists" }],
  ["linkCustomer", { interactionId: f.interactionId, customer: s.jane }],
  ["wrapUp", { workItemId: f.workItemId }],
  ["complete", { workItemId: f.workItemId, code: "resolved" }],
  ["close", { interactionId: f.interactionId }],
  ["transfer", { interactionId: f.interactionId, toQueue: s.target.name }]
]

const ownerless = new Set(["setPresence"])

const expectReply = (reply: Frame, expected: "ack" | "not_found" | "forbidden", what: string) => {
  if (expected === "ack") assert.strictEqual(reply.type, "ack", `${what}: ${reply.code ?? ""} ${reply.reason ?? ""}`)
  else {
    assert.strictEqual(reply.type, "error", what)
    assert.strictEqual(reply.code, expected, what)
  }
}

layer(nodeLayer("nats"), { timeout: 120_000, excludeTestServices: true })(
  "agent socket: handshake and command × role",
  (it) => {
    it.scoped("a bearer header or a first hello opens the socket; a bad token closes it with 4401", () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const ava = yield* login(node, "ava.agent")
        const byHeader = yield* connect(node, { header: ava.token })
        const welcome = yield* byHeader.welcome
        assert.strictEqual((welcome.user as { userId: string }).userId, ava.userId)
        assert.isString(welcome.node)

        const byHello = yield* connect(node)
        yield* byHello.sendRaw(JSON.stringify({ v: 1, type: "hello", ref: "h1", token: ava.token }))
        assert.strictEqual(((yield* byHello.welcome).user as { login: string }).login, "ava.agent")

        const forged = yield* connect(node, { header: `${ava.token.slice(0, -4)}AAAA` })
        assert.strictEqual(yield* forged.closed, 4401)
        const badHello = yield* connect(node)
        yield* badHello.sendRaw(JSON.stringify({ v: 1, type: "hello", ref: "h2", token: "tok-nobody" }))
        assert.strictEqual(yield* badHello.closed, 4401)
        const noHello = yield* connect(node)
        yield* noHello.sendRaw(
          JSON.stringify({ v: 1, type: "setPresence", ref: "p", channel: "apple_messages", state: "away" })
        )
        assert.strictEqual(yield* noHello.closed, 4401)
      })
    )

    it.scoped("a malformed frame gets invalid_command and the socket stays open", () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const ava = yield* login(node, "ava.agent")
        const ws = yield* connect(node, { header: ava.token })
        yield* ws.welcome
        for (const frame of [
          "{",
          "42",
          // A discriminator whose own toString is not a function made Effect's union decoding throw.
          '{"v":1,"type":{"toString":{}},"ref":"x"}',
          JSON.stringify({ v: 1, type: "accept", ref: "bad-1", offerId: "nope" })
        ]) {
          yield* ws.sendRaw(frame)
        }
        const reply = yield* ws.command("setPresence", { channel: "apple_messages", state: "offline" })
        assert.strictEqual(reply.type, "ack")
        assert.strictEqual(ws.errors.length, 4)
        assert.isTrue(ws.errors.every((e) => e.code === "invalid_command"))
        assert.strictEqual(ws.errors[3]?.ref, "bad-1")
        assert.strictEqual(ws.raw.readyState, ws.raw.OPEN)
      })
    )

    it.scoped(
      "every command × role: owner ack, another agent or manager not_found, manager on their own ack, customer forbidden",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const s = yield* setup(node)
          const jane = yield* login(node, "jane.doe")
          const open = (user: TestUser | { readonly token: string }) =>
            Effect.tap(connect(node, { header: user.token }), (ws) => ws.welcome)
          const sockets: Record<string, WsClient> = {
            owner: yield* open(s.owner),
            other: yield* open(s.other),
            manager: yield* open(s.manager),
            customer: yield* open(jane)
          }
          const customerHello = yield* sockets.customer!.command("hello", {})
          expectReply(customerHello, "forbidden", "customer hello")
          const names = commands(s, { interactionId: "", workItemId: "", offerId: "" }).map(([name]) => name)
          for (const [index, name] of names.entries()) {
            const ofOwner = yield* fixture(node, s, s.owner.id, ["QUICK", "LIST", "TIME", "FORM"])
            const ofManager = yield* fixture(node, s, s.manager.id, ["QUICK", "LIST", "TIME", "FORM"])
            const on = (f: Fixture) => commands(s, f)[index]![1]
            const rows: ReadonlyArray<readonly [string, Record<string, unknown>, "ack" | "not_found" | "forbidden"]> = [
              ["customer", on(ofOwner), "forbidden"],
              ["other", on(ofOwner), ownerless.has(name) ? "ack" : "not_found"],
              ["manager", on(ofOwner), ownerless.has(name) ? "ack" : "not_found"],
              ["manager", on(ofManager), "ack"],
              ["owner", on(ofOwner), "ack"]
            ]
            for (const [who, fields, expected] of rows) {
              const reply = yield* sockets[who]!.command(name, fields)
              expectReply(reply, expected, `${name} by ${who}`)
            }
            if (name === "createCase") {
              const cases = yield* inNode(node, casesOfInteraction(ofOwner.interactionId))
              assert.strictEqual(cases.length, 1)
              assert.strictEqual(cases[0]?.openedBy, s.owner.id)
            }
          }
          // A direct transfer names an agent; someone who is not staff is no target.
          const last = yield* fixture(node, s, s.owner.id, ["QUICK"])
          const toCustomer = yield* sockets.owner!.command("transfer", {
            interactionId: last.interactionId,
            toAgent: jane.userId
          })
          expectReply(toCustomer, "not_found", "transfer to a customer")
          const toAgent = yield* sockets.owner!.command("transfer", {
            interactionId: last.interactionId,
            toAgent: s.other.id
          })
          expectReply(toAgent, "ack", "transfer to an agent")
        })
    )

    it.scoped("send is checked against the customer's device: a list picker to a device without LIST is refused", () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const s = yield* setup(node)
        const f = yield* fixture(node, s, s.owner.id, ["QUICK", "TIME"])
        const ws = yield* connect(node, { header: s.owner.token })
        yield* ws.welcome
        const picker = { kind: "listPicker", title: "Which card?", items: [{ id: "1", title: "Visa" }] }
        const refused = yield* ws.command("send", {
          interactionId: f.interactionId,
          clientMessageId: "m1",
          content: picker
        })
        assert.strictEqual(refused.code, "capability_missing")
        assert.strictEqual(refused.reason, "customer's device lacks LIST")
        const quick = {
          kind: "quickReply",
          prompt: "Anything else?",
          options: [
            { id: "y", title: "Yes" },
            { id: "n", title: "No" }
          ]
        }
        const allowed = yield* ws.command("send", {
          interactionId: f.interactionId,
          clientMessageId: "m2",
          content: quick
        })
        assert.strictEqual(allowed.type, "ack")
      })
    )

    it.scoped("a stopping node closes its sockets with 1001 (going away), so clients reconnect elsewhere", () =>
      Effect.gen(function* () {
        const life = yield* Scope.make()
        const node = yield* TestNode.start(nodeOptions("nats")).pipe(Scope.extend(life))
        const agent = yield* inNode(node, newStaff("ws-restart", "agent_workspace_user"))
        const ws = yield* connect(node, { header: agent.token })
        yield* ws.welcome
        yield* Scope.close(life, Exit.void)
        assert.strictEqual(yield* ws.closed, 1001)
      })
    )
  }
)
