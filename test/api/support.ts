import { randomBytes } from "node:crypto"
import { eq } from "drizzle-orm"
import { Context, Effect, Layer } from "effect"
import { Db } from "../../db/Db.ts"
import type { CustomerRef } from "../../db/queries/CustomerRef.ts"
import { findCustomerByEmail } from "../../db/queries/customers.ts"
import { assignInteraction, openInteraction } from "../../db/queries/interactions.ts"
import { findUserByLogin } from "../../db/queries/users.ts"
import { type Interaction, interactions } from "../../db/schema/interactions.ts"
import { demoBusinessId } from "../../db/seed/customers.ts"
import { demoPasswordDefault } from "../../db/seed/staff.ts"
import type { ObjectStore } from "../../runtime/ObjectStore.ts"
import * as TestNode from "../support/TestNode.ts"

/** The callers of the route × role table; `anonymous` sends no token. */
export const roles = ["anonymous", "jane", "raj", "ava", "leo", "sam"] as const
export type Role = (typeof roles)[number]

const logins: Record<Exclude<Role, "anonymous">, string> = {
  jane: "jane.doe",
  raj: "raj.patel",
  ava: "ava.agent",
  leo: "leo.agent",
  sam: "sam.manager"
}

export interface ApiFixture {
  readonly node: TestNode.TestNode
  readonly tokens: Readonly<Record<Role, string | undefined>>
  readonly userIds: Readonly<Record<Exclude<Role, "anonymous">, string>>
  readonly jane: CustomerRef
  readonly raj: CustomerRef
}

/** One node per test file, with every demo caller signed in over HTTP. */
export class ApiNode extends Context.Tag("test/api/ApiNode")<ApiNode, ApiFixture>() {}

/** An answer: the status and the JSON body, typed as the test expects it (the test asserts it). */
export interface Reply<T> {
  readonly status: number
  readonly body: T
}

export interface ErrorReply {
  readonly error: { readonly code: string; readonly message: string }
}

export const call = <T = ErrorReply>(
  url: string,
  method: string,
  path: string,
  options: {
    readonly token?: string | undefined
    readonly body?: unknown
    readonly rawBody?: string
    /** The raw body's type (default JSON). */
    readonly contentType?: string
  } = {}
): Effect.Effect<Reply<T>> =>
  Effect.promise(async () => {
    const headers: Record<string, string> = {}
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    if (body !== undefined) headers["content-type"] = options.contentType ?? "application/json"
    const response = await fetch(`${url}/api${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
    const text = await response.text()
    // A file comes back as its text; everything else the API answers is JSON.
    const json = /json/.test(response.headers.get("content-type") ?? "")
    return { status: response.status, body: (text === "" ? undefined : json ? JSON.parse(text) : text) as T }
  })

export const inNode = <A, E>(node: TestNode.TestNode, effect: Effect.Effect<A, E, Db | ObjectStore>) =>
  Effect.provide(effect, node.context)

const signIn = (url: string, login: string) =>
  Effect.flatMap(
    call<{ readonly token: string }>(url, "POST", "/login", { body: { login, password: demoPasswordDefault } }),
    (r) => (r.status === 200 ? Effect.succeed(r.body.token) : Effect.die(new Error(`${login}: sign-in ${r.status}`)))
  )

export const apiNodeLayer = (infra: "nats" | "embedded"): Layer.Layer<ApiNode, unknown> =>
  Layer.scoped(
    ApiNode,
    Effect.gen(function* () {
      const node = yield* TestNode.start({ infra })
      const named = Object.entries(logins) as Array<[Exclude<Role, "anonymous">, string]>
      const signedIn = yield* Effect.forEach(named, ([role, login]) =>
        Effect.map(signIn(node.url, login), (token) => [role, token] as const)
      )
      const tokens = { anonymous: undefined, ...Object.fromEntries(signedIn) } as Record<Role, string | undefined>
      const userIds = yield* inNode(
        node,
        Effect.forEach(named, ([role, login]) =>
          Effect.map(findUserByLogin(login), (u) => [role, u?.id ?? "missing"] as const)
        )
      )
      const customer = (email: string) =>
        inNode(node, Effect.flatMap(findCustomerByEmail(email), Effect.fromNullable)).pipe(Effect.orDie)
      return {
        node,
        tokens,
        userIds: Object.fromEntries(userIds) as ApiFixture["userIds"],
        jane: yield* customer("jane.doe@example.com"),
        raj: yield* customer("raj.patel@example.com")
      }
    })
  )

/** An interaction written straight to the database, as the conversation actor would have. */
export const newInteraction = (options: {
  readonly customer?: CustomerRef
  readonly agentId?: string
  readonly queueId?: string
  readonly openedAt?: Date
}): Effect.Effect<Interaction, unknown, Db> =>
  Effect.gen(function* () {
    const opaqueId = `urn:mbid:AQAAY-api-${randomBytes(6).toString("hex")}`
    const opened = yield* openInteraction({
      conversationId: `${demoBusinessId}.${opaqueId}`,
      businessId: demoBusinessId,
      opaqueId,
      ...(options.customer === undefined ? {} : { customer: options.customer }),
      ...(options.queueId === undefined ? {} : { queueId: options.queueId })
    })
    const assigned =
      options.agentId === undefined ? opened : ((yield* assignInteraction(opened.id, options.agentId)) ?? opened)
    if (options.openedAt === undefined) return assigned
    const at = options.openedAt
    const db = yield* Db
    const [moved] = yield* db.use("test.backdate", (d) =>
      d.update(interactions).set({ openedAt: at }).where(eq(interactions.id, assigned.id)).returning()
    )
    return moved ?? assigned
  })
