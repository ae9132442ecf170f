import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, Option, Runtime } from "effect"
import { Db } from "../../db/Db.ts"
import { DbError } from "../../db/DbError.ts"
import * as Api from "../../http/api/Api.ts"
import { describe as describeFailure, statusOf } from "../../http/api/ApiError.ts"
import { Conflict, InvalidRequest, NotFound } from "../../http/api/ApiFailure.ts"
import * as AuthConfig from "../../http/auth/AuthConfig.ts"
import { Forbidden, Unauthenticated } from "../../http/auth/AuthError.ts"
import * as Authenticator from "../../http/auth/Authenticator.ts"
import * as SessionTokens from "../../http/auth/SessionTokens.ts"
import * as SignInThrottle from "../../http/auth/SignInThrottle.ts"
import * as HttpConfig from "../../http/HttpConfig.ts"
import * as Site from "../../http/Site.ts"
import type { ActorSystem } from "../../runtime/ActorSystem.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"

const dbError = (code?: string) =>
  new DbError({ operation: "test", message: "boom", ...(code === undefined ? {} : { code }) })

describe("failures as the client sees them", () => {
  it("each failure has its status and stable code", () => {
    const cases = [
      [new InvalidRequest({ message: "query: limit" }), 400, "invalid_request"],
      [new Unauthenticated({ reason: "expired" }), 401, "unauthenticated"],
      [new Forbidden({ reason: "managers only" }), 403, "forbidden"],
      [new NotFound({ entity: "case" }), 404, "not_found"],
      [new Conflict({ message: "another customer's chat" }), 409, "conflict"]
    ] as const
    for (const [failure, status, code] of cases) {
      const described = describeFailure(failure)
      assert.strictEqual(described.code, code)
      assert.strictEqual(statusOf[described.code], status)
    }
  })

  it("a database that cannot answer is 503 unavailable; driver details never reach the client", () => {
    const expected = [
      [undefined, "unavailable"], // connection refused or lost: no SQLSTATE
      ["08006", "unavailable"],
      ["57P01", "unavailable"], // admin shutdown
      ["53300", "unavailable"], // too many connections
      ["40001", "unavailable"],
      ["23505", "conflict"],
      ["22P02", "invalid_request"],
      ["42601", "internal"]
    ] as const
    for (const [code, answer] of expected) {
      const described = describeFailure(dbError(code))
      assert.strictEqual(described.code, answer, String(code))
      assert.notInclude(described.message, "boom")
    }
  })
})

/** A database that refuses every connection, as during a PostgreSQL restart. */
const downDb = Layer.succeed(Db, {
  describe: "down",
  kind: "postgres",
  use: (operation) => Effect.fail(new DbError({ operation, message: "connect ECONNREFUSED 127.0.0.1:5432" })),
  transaction: (effect) => effect,
  ping: Effect.fail(new DbError({ operation: "ping", message: "connect ECONNREFUSED 127.0.0.1:5432" }))
})

describe("the router over a database that is down", () => {
  it.scoped("answers 503 unavailable with Retry-After, not a 500 with a stack", () =>
    Effect.gen(function* () {
      const services = Layer.mergeAll(
        Authenticator.layer,
        SignInThrottle.layer,
        HttpConfig.layer(),
        Site.layer(Option.none())
      ).pipe(
        Layer.provideMerge(SessionTokens.layer),
        Layer.provide(MemoryBus.layer),
        Layer.provide(RuntimeConfig.layer()),
        Layer.provideMerge(downDb),
        Layer.provide(AuthConfig.layer())
      )
      const runtime = yield* Layer.toRuntime(services)
      // The routes called here never reach the actor system, so the runtime carries none.
      const app = Api.routes(
        Runtime.make({
          context: Context.merge(Context.unsafeMake<ActorSystem>(new Map()), runtime.context),
          runtimeFlags: runtime.runtimeFlags,
          fiberRefs: runtime.fiberRefs
        })
      )
      const { token } = yield* SessionTokens.SessionTokens.pipe(
        Effect.flatMap((tokens) =>
          tokens.issue({
            userId: crypto.randomUUID(),
            login: "sam.manager",
            displayName: "Sam",
            roles: ["sn_customerservice_manager", "agent_workspace_user"]
          })
        ),
        Effect.provide(runtime)
      )
      for (const path of ["/queues", "/agents", "/interactions", "/feedback/summary", "/knowledge?q=card"]) {
        const response = yield* Effect.promise(async () =>
          app.request(path, { headers: { authorization: `Bearer ${token}` } })
        )
        const body = (yield* Effect.promise(() => response.json())) as { error: { code: string; message: string } }
        assert.strictEqual(response.status, 503, path)
        assert.strictEqual(body.error.code, "unavailable", path)
        assert.strictEqual(response.headers.get("retry-after"), "5", path)
        assert.notInclude(body.error.message, "ECONNREFUSED", path)
      }
      // An API token needs the user directory: down is the server's fault (503), not a bad token (401).
      for (const [path, init] of [
        ["/queues", { headers: { authorization: "Bearer some-api-token" } }],
        [
          "/login",
          {
            method: "POST",
            body: JSON.stringify({ login: "ava.agent", password: "x" }),
            headers: { "content-type": "application/json" }
          }
        ]
      ] as const) {
        const response = yield* Effect.promise(async () => app.request(path, init))
        assert.strictEqual(response.status, 503, path)
      }
    })
  )
})
