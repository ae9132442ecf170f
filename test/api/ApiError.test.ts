import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { DbError } from "../../db/DbError.ts"
import { describe as describeFailure, statusOf } from "../../http/api/ApiError.ts"
import { Conflict, InvalidRequest, NotFound } from "../../http/api/ApiFailure.ts"
import { Forbidden, Unauthenticated } from "../../http/auth/AuthError.ts"
import { apiOverDownDb } from "./DownDbApi.ts"

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

describe("the router over a database that is down", () => {
  it.scoped("answers 503 unavailable with Retry-After, not a 500 with a stack", () =>
    Effect.gen(function* () {
      const { app, token } = yield* apiOverDownDb(["sn_customerservice_manager", "agent_workspace_user"])
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
