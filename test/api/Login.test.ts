import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import WebSocket from "ws"
import { demoPasswordDefault } from "../../db/seed/staff.ts"
import { E2eNode, nodeLayer } from "../conversation/sharedNode.ts"

layer(nodeLayer("embedded"), { timeout: 60_000 })("sign-in over HTTP", (it) => {
  it.effect("a demo agent signs in and the token opens the agent socket", () =>
    Effect.gen(function* () {
      const { url } = yield* E2eNode
      const response = yield* Effect.promise(() =>
        fetch(`${url}/api/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ login: "ava.agent", password: demoPasswordDefault })
        })
      )
      assert.strictEqual(response.status, 200)
      const { token } = (yield* Effect.promise(() => response.json())) as { token: string }
      const welcome = yield* Effect.async<unknown>((resume) => {
        const ws = new WebSocket(`${url.replace("http", "ws")}/ws`, { headers: { authorization: `Bearer ${token}` } })
        ws.once("message", (data) => {
          resume(Effect.succeed(JSON.parse(String(data))))
          ws.close()
        })
        ws.once("error", (e) => resume(Effect.die(e)))
      })
      assert.deepInclude(welcome, { type: "welcome" })
    })
  )

  it.effect("a wrong password and a malformed body get 401 and 400 with a code", () =>
    Effect.gen(function* () {
      const { url } = yield* E2eNode
      const post = (body: string) =>
        Effect.promise(async () => {
          const r = await fetch(`${url}/api/login`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body
          })
          return { status: r.status, body: (await r.json()) as { error: { code: string } } }
        })
      const wrong = yield* post(JSON.stringify({ login: "ava.agent", password: "nope" }))
      assert.strictEqual(wrong.status, 401)
      assert.strictEqual(wrong.body.error.code, "unauthenticated")
      const bad = yield* post("{")
      assert.strictEqual(bad.status, 400)
      assert.strictEqual(bad.body.error.code, "invalid_request")
    })
  )
})
