import { assert, layer } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import WebSocket from "ws"
import { Db } from "../../db/Db.ts"
import { recordAttachments } from "../../db/queries/attachments.ts"
import { createCase } from "../../db/queries/cases.ts"
import { findCustomerByEmail } from "../../db/queries/customers.ts"
import { appendMessage } from "../../db/queries/messages.ts"
import { listQueues } from "../../db/queries/queues.ts"
import { workItems } from "../../db/schema/awa.ts"
import { demoPasswordDefault } from "../../db/seed/staff.ts"
import { table } from "../../http/api/Api.ts"
import { ObjectStore } from "../../runtime/ObjectStore.ts"
import { type ApiFixture, ApiNode, apiNodeLayer, call, inNode, newInteraction, type Role, roles } from "./support.ts"

/** Records of two customers, each served by a different agent: whose data is whose is the point. */
interface Records {
  readonly api: ApiFixture
  /** Jane's chat, assigned to Ava; Raj's chat, assigned to Leo. */
  readonly janeChat: string
  readonly rajChat: string
  readonly janeCase: string
  readonly rajCase: string
  /** A case Ava opened for Raj (whom she does not serve). */
  readonly rajCaseByAva: string
  /** Maria's case: her chat was Ava's, then transferred to Leo. */
  readonly mariaCase: string
  /** A file Jane sent in her chat. */
  readonly janeFile: string
}

class Fixtures extends Context.Tag("test/api/Roles/Fixtures")<Fixtures, Records>() {}

const fixtures = Layer.effect(
  Fixtures,
  Effect.gen(function* () {
    const api = yield* ApiNode
    return yield* inNode(
      api.node,
      Effect.gen(function* () {
        const janeChat = yield* newInteraction({ customer: api.jane, agentId: api.userIds.ava })
        const rajChat = yield* newInteraction({ customer: api.raj, agentId: api.userIds.leo })
        yield* appendMessage({
          interactionId: janeChat.id,
          direction: "in",
          authorKind: "customer",
          kind: "text",
          body: { text: "I need a replacement card" }
        })
        const janeCase = yield* createCase({ customer: api.jane, shortDescription: "Jane's case" })
        const rajCase = yield* createCase({ customer: api.raj, shortDescription: "Raj's case" })
        const rajCaseByAva = yield* createCase({
          customer: api.raj,
          shortDescription: "Raj's case, opened by Ava",
          openedBy: api.userIds.ava
        })
        const maria = yield* Effect.flatMap(findCustomerByEmail("maria.garcia@example.com"), Effect.fromNullable)
        const mariaChat = yield* newInteraction({ customer: maria, agentId: api.userIds.leo })
        const [queue] = yield* listQueues()
        const db = yield* Db
        // Ava's work item on Maria's chat, closed by the transfer to Leo: who had it before.
        yield* db.use("test.transferred", (d) =>
          d.insert(workItems).values({
            interactionId: mariaChat.id,
            queueId: queue?.id ?? "",
            state: "closed",
            assignedTo: api.userIds.ava,
            assignedAt: new Date(),
            closedAt: new Date()
          })
        )
        const mariaCase = yield* createCase({ customer: maria, shortDescription: "Maria's case" })
        const janeFile = crypto.randomUUID()
        const store = yield* ObjectStore
        yield* store.put(janeFile, { name: "card.txt", contentType: "text/plain" }, Buffer.from("card ending 4242"))
        yield* recordAttachments([
          {
            id: janeFile,
            interactionId: janeChat.id,
            direction: "in",
            name: "card.txt",
            contentType: "text/plain",
            size: 16
          }
        ])
        return {
          api,
          janeChat: janeChat.id,
          rajChat: rajChat.id,
          janeCase: janeCase.id,
          rajCase: rajCase.id,
          rajCaseByAva: rajCaseByAva.id,
          mariaCase: mariaCase.id,
          janeFile
        }
      })
    )
  })
).pipe(Layer.provideMerge(apiNodeLayer("nats")))

type Expect = Record<Role, number>
const statuses = (anonymous: number, customers: number, agents: number, manager: number): Expect => ({
  anonymous,
  jane: customers,
  raj: customers,
  ava: agents,
  leo: agents,
  sam: manager
})
const everyone = statuses(200, 200, 200, 200)
const signedIn = statuses(401, 200, 200, 200)
const staff = statuses(401, 403, 200, 200)
const managers = statuses(401, 403, 403, 200)

interface Row {
  /** The route as the table names it: `GET /interactions/:id`. */
  readonly route: string
  readonly case: string
  readonly request: (
    f: Records,
    role: Role
  ) => {
    readonly method: string
    readonly path: string
    readonly body?: unknown
    readonly rawBody?: string
    readonly contentType?: string
  }
  readonly expect: Expect
  /** What an allowed caller sees, when it depends on who they are. */
  readonly check?: (f: Records, role: Role, body: unknown) => void
}

const ids = (body: unknown): ReadonlyArray<string> =>
  (body as { items: ReadonlyArray<{ id: string }> }).items.map((i) => i.id)

const rows: ReadonlyArray<Row> = [
  {
    route: "POST /login",
    case: "sign-in is open to anyone holding a password",
    request: () => ({ method: "POST", path: "/login", body: { login: "jane.doe", password: demoPasswordDefault } }),
    expect: everyone
  },
  {
    route: "POST /session/refresh",
    case: "any signed-in user refreshes",
    request: () => ({ method: "POST", path: "/session/refresh" }),
    expect: signedIn
  },
  {
    route: "GET /me",
    case: "any signed-in user sees who they are",
    request: () => ({ method: "GET", path: "/me" }),
    expect: signedIn,
    check: (f, role, body) => {
      if (role !== "anonymous") assert.strictEqual((body as { userId: string }).userId, f.api.userIds[role])
    }
  },
  {
    route: "GET /interactions",
    case: "each caller lists only what is theirs to see",
    request: () => ({ method: "GET", path: "/interactions?limit=200" }),
    expect: signedIn,
    check: (f, role, body) => {
      const seen = ids(body)
      const sees = {
        jane: [true, false],
        raj: [false, true],
        ava: [true, false],
        leo: [false, true],
        sam: [true, true]
      }
      if (role === "anonymous") return
      assert.deepStrictEqual([seen.includes(f.janeChat), seen.includes(f.rajChat)], sees[role], role)
    }
  },
  {
    route: "GET /interactions/:id",
    case: "Jane's chat: Jane, her agent Ava and the manager; 404 for the others",
    request: (f) => ({ method: "GET", path: `/interactions/${f.janeChat}` }),
    expect: { anonymous: 401, jane: 200, raj: 404, ava: 200, leo: 404, sam: 200 },
    check: (_f, _role, body) => {
      const detail = body as { transcript: ReadonlyArray<{ body: { text?: string } }> }
      assert.deepStrictEqual(
        detail.transcript.map((m) => m.body.text),
        ["I need a replacement card"]
      )
    }
  },
  {
    route: "GET /interactions/:id",
    case: "Raj's chat: Raj, his agent Leo and the manager; 404 for the others",
    request: (f) => ({ method: "GET", path: `/interactions/${f.rajChat}` }),
    expect: { anonymous: 401, jane: 404, raj: 200, ava: 404, leo: 200, sam: 200 }
  },
  {
    route: "GET /attachments/:id",
    case: "Jane's file: her agent Ava and the manager; 403 for other agents and customers",
    request: (f) => ({ method: "GET", path: `/attachments/${f.janeFile}` }),
    expect: { anonymous: 401, jane: 403, raj: 403, ava: 200, leo: 403, sam: 200 },
    check: (_f, _role, body) => assert.strictEqual(body, "card ending 4242")
  },
  {
    route: "POST /conversations/:id/attachments",
    case: "only the agent serving Jane's chat uploads a file to send in it",
    request: (f) => ({
      method: "POST",
      path: `/conversations/${f.janeChat}/attachments?name=note.txt`,
      rawBody: "see you tomorrow",
      contentType: "text/plain"
    }),
    expect: { anonymous: 401, jane: 403, raj: 403, ava: 201, leo: 403, sam: 403 }
  },
  {
    route: "POST /cases",
    case: "customers open cases for themselves, staff for a named customer",
    request: (f, role) => ({
      method: "POST",
      path: "/cases",
      body: {
        shortDescription: `opened by ${role}`,
        ...(role === "jane" || role === "raj" ? {} : { customer: f.api.jane })
      }
    }),
    expect: statuses(401, 201, 201, 201),
    check: (f, role, body) => {
      const customer = (body as { customer: { id: string } }).customer
      assert.strictEqual(customer.id, role === "raj" ? f.api.raj.id : f.api.jane.id)
    }
  },
  {
    route: "POST /cases",
    case: "a case for Jane: Raj may not open it",
    request: (f) => ({ method: "POST", path: "/cases", body: { shortDescription: "for Jane", customer: f.api.jane } }),
    expect: { anonymous: 401, jane: 201, raj: 403, ava: 201, leo: 201, sam: 201 }
  },
  {
    route: "GET /cases",
    case: "customers list their own cases, agents those of customers they serve or opened, the manager all",
    request: () => ({ method: "GET", path: "/cases?limit=200" }),
    expect: signedIn,
    check: (f, role, body) => {
      const seen = ids(body)
      // Jane's, Raj's, Raj's opened by Ava, Maria's (her chat was Ava's, is Leo's).
      const sees = {
        jane: [true, false, false, false],
        raj: [false, true, true, false],
        ava: [true, false, true, true],
        leo: [false, true, true, true],
        sam: [true, true, true, true]
      }
      if (role === "anonymous") return
      assert.deepStrictEqual(
        [f.janeCase, f.rajCase, f.rajCaseByAva, f.mariaCase].map((id) => seen.includes(id)),
        sees[role],
        role
      )
    }
  },
  {
    route: "GET /cases/:id",
    case: "Jane's case: Jane, Ava who serves her, the manager; 404 (not 403) for Raj and Leo",
    request: (f) => ({ method: "GET", path: `/cases/${f.janeCase}` }),
    expect: { anonymous: 401, jane: 200, raj: 404, ava: 200, leo: 404, sam: 200 }
  },
  {
    route: "GET /cases/:id",
    case: "a case Ava opened for Raj: Ava too, though she does not serve him; 404 for Jane",
    request: (f) => ({ method: "GET", path: `/cases/${f.rajCaseByAva}` }),
    expect: { anonymous: 401, jane: 404, raj: 200, ava: 200, leo: 200, sam: 200 }
  },
  {
    route: "GET /cases/:id",
    case: "Maria's case: Ava, whose chat with Maria was transferred, and Leo, who has it now",
    request: (f) => ({ method: "GET", path: `/cases/${f.mariaCase}` }),
    expect: { anonymous: 401, jane: 404, raj: 404, ava: 200, leo: 200, sam: 200 }
  },
  {
    route: "PATCH /cases/:id",
    case: "Raj's case: Leo who serves him and the manager change it; 404 for Ava; customers may not",
    request: (f) => ({ method: "PATCH", path: `/cases/${f.rajCase}`, body: { priority: 2 } }),
    expect: { anonymous: 401, jane: 403, raj: 403, ava: 404, leo: 200, sam: 200 }
  },
  {
    route: "GET /queues",
    case: "agents and managers see the queues",
    request: () => ({ method: "GET", path: "/queues" }),
    expect: staff
  },
  {
    route: "GET /agents",
    case: "agents and managers see the agents (the workspace's transfer dialog)",
    request: () => ({ method: "GET", path: "/agents" }),
    expect: staff
  },
  {
    route: "GET /feedback",
    case: "only managers read feedback",
    request: () => ({ method: "GET", path: "/feedback" }),
    expect: managers
  },
  {
    route: "GET /feedback/summary",
    case: "only managers read the feedback report",
    request: () => ({ method: "GET", path: "/feedback/summary" }),
    expect: managers
  },
  {
    route: "GET /reports/virtual-agent",
    case: "only managers read the virtual agent's outcomes per topic",
    request: () => ({ method: "GET", path: "/reports/virtual-agent" }),
    expect: managers
  },
  {
    route: "GET /cluster",
    case: "only managers see the runtime nodes, their partitions and the dead letters",
    request: () => ({ method: "GET", path: "/cluster" }),
    expect: managers,
    check: (_f, role, body) => {
      if (role !== "sam") return
      const view = body as {
        answeredBy: string
        nodes: ReadonlyArray<{
          id: string
          live: boolean
          lastHeartbeat: string | null
          partitions: ReadonlyArray<unknown>
        }>
        deadLetters: { total: number; latest: ReadonlyArray<unknown> }
      }
      const self = view.nodes.find((n) => n.id === view.answeredBy)
      assert.isTrue(self?.live)
      assert.isNotNull(self?.lastHeartbeat)
      assert.isAbove(self?.partitions.length ?? 0, 0)
      assert.isAtMost(view.deadLetters.latest.length, Math.min(20, view.deadLetters.total))
    }
  },
  {
    route: "GET /asyncapi.json",
    case: "the socket's description is public, like the REST API's",
    request: () => ({ method: "GET", path: "/asyncapi.json" }),
    expect: everyone
  },
  {
    route: "GET /about",
    case: "what the deployment is, public (the pages' sign-in reads it)",
    request: () => ({ method: "GET", path: "/about" }),
    expect: everyone
  },
  {
    route: "GET /customers/lookup",
    case: "agents and managers find a customer by email to link a chat",
    request: () => ({ method: "GET", path: "/customers/lookup?email=jane.doe%40example.com" }),
    expect: staff
  },
  {
    route: "GET /knowledge",
    case: "knowledge search is public, like the pages it links to",
    request: () => ({ method: "GET", path: "/knowledge?q=replacement%20card" }),
    expect: everyone,
    check: (_f, _role, body) => assert.isAbove(ids(body).length, 0)
  },
  {
    route: "GET /openapi.json",
    case: "the API's description is public",
    request: () => ({ method: "GET", path: "/openapi.json" }),
    expect: everyone
  }
]

layer(fixtures, { timeout: 60_000 })("every REST route × every role", (it) => {
  it("the table covers every route the API mounts", () => {
    const mounted = new Set(table.map((r) => `${r.method.toUpperCase()} ${r.path}`))
    assert.deepStrictEqual(new Set(rows.map((r) => r.route)), mounted)
  })

  for (const row of rows) {
    it.effect(`${row.route}: ${row.case}`, () =>
      Effect.gen(function* () {
        const f = yield* Fixtures
        const replies = yield* Effect.forEach(
          roles,
          (role) => {
            const { method, path, body, rawBody, contentType } = row.request(f, role)
            return Effect.map(
              call<unknown>(f.api.node.url, method, path, {
                token: f.api.tokens[role],
                body,
                ...(rawBody === undefined ? {} : { rawBody }),
                ...(contentType === undefined ? {} : { contentType })
              }),
              (reply) => [role, reply] as const
            )
          },
          { concurrency: "unbounded" }
        )
        const got = Object.fromEntries(replies.map(([role, reply]) => [role, reply.status]))
        assert.deepStrictEqual(got, row.expect)
        for (const [role, reply] of replies) {
          if (reply.status >= 400) {
            const code = (reply.body as { error: { code: string } }).error.code
            const expected = { 401: "unauthenticated", 403: "forbidden", 404: "not_found" }[reply.status]
            assert.strictEqual(code, expected, `${role}: ${JSON.stringify(reply.body)}`)
          } else row.check?.(f, role, reply.body)
        }
      })
    )
  }

  it.effect("a demo agent signs in and the token opens the agent socket", () =>
    Effect.gen(function* () {
      const { api } = yield* Fixtures
      const signedIn = yield* call<{ token: string }>(api.node.url, "POST", "/login", {
        body: { login: "ava.agent", password: demoPasswordDefault }
      })
      assert.strictEqual(signedIn.status, 200)
      const welcome = yield* Effect.async<unknown>((resume) => {
        const ws = new WebSocket(`${api.node.url.replace("http", "ws")}/ws`, {
          headers: { authorization: `Bearer ${signedIn.body.token}` }
        })
        ws.once("message", (data) => {
          resume(Effect.succeed(JSON.parse(String(data))))
          ws.close()
        })
        ws.once("error", (e) => resume(Effect.die(e)))
      })
      assert.deepInclude(welcome, { type: "welcome" })
    })
  )

  it.effect("a wrong password and a malformed sign-in body get 401 and 400 with a code", () =>
    Effect.gen(function* () {
      const { api } = yield* Fixtures
      const wrong = yield* call(api.node.url, "POST", "/login", { body: { login: "ava.agent", password: "nope" } })
      assert.strictEqual(wrong.status, 401)
      assert.strictEqual(wrong.body.error.code, "unauthenticated")
      const bad = yield* call(api.node.url, "POST", "/login", { rawBody: "{" })
      assert.strictEqual(bad.status, 400)
      assert.strictEqual(bad.body.error.code, "invalid_request")
    })
  )

  it.effect("a forged or unknown token is 401, never a guess at a role", () =>
    Effect.gen(function* () {
      const f = yield* Fixtures
      const forged = `${f.api.tokens.sam?.slice(0, -4)}AAAA`
      for (const token of [forged, "not-a-token", "a.b.c"]) {
        const reply = yield* call(f.api.node.url, "GET", "/me", { token })
        assert.strictEqual(reply.status, 401)
        assert.strictEqual(reply.body.error.code, "unauthenticated")
      }
    })
  )
})
