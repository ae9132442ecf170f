import { randomBytes } from "node:crypto"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import * as SignInState from "../../actors/conversation/SignInState.ts"
import * as TestNode from "../support/TestNode.ts"

const callback = (url: string, body: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}/auth/apple/callback`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body
    })
    await response.text()
    return response.status
  })

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()

layer(TestNode.layer({ infra: "nats" }), { timeout: 120_000, excludeTestServices: true })("public pages", (it) => {
  it.effect("HTML pages carry a CSP that forbids framing, nosniff and no referrer", () =>
    Effect.gen(function* () {
      const { url } = yield* TestNode.Current
      const response = yield* Effect.promise(() => fetch(`${url}/kb/KB0010001`))
      assert.strictEqual(response.status, 200)
      const csp = response.headers.get("content-security-policy") ?? ""
      assert.include(csp, "frame-ancestors 'none'")
      assert.include(csp, "script-src 'self'")
      const host = new URL(url).host
      assert.include(csp, `connect-src 'self' ws://${host} wss://${host}`)
      assert.notInclude(csp, "ws: ", "no socket to any host")
      assert.strictEqual(response.headers.get("x-content-type-options"), "nosniff")
      assert.strictEqual(response.headers.get("referrer-policy"), "no-referrer")
    })
  )

  it.effect("the sign-in redirect refuses a made-up state and a body over 4 KiB, without telling any actor", () =>
    Effect.gen(function* () {
      const node = yield* TestNode.Current
      const conversation = `${node.businessId}|urn:mbid:made-up-${randomBytes(4).toString("hex")}`
      const madeUp = `${Buffer.from(conversation).toString("base64url")}.${randomBytes(18).toString("base64url")}`
      assert.strictEqual(yield* callback(node.url, form({ code: "c", state: madeUp })), 400)
      assert.strictEqual(yield* callback(node.url, form({ code: "x".repeat(5000), state: madeUp })), 413)
    })
  )

  it.effect("a signed state is taken once: a second redirect with it is refused", () =>
    Effect.gen(function* () {
      const node = yield* TestNode.Current
      const conversation = `${node.businessId}|urn:mbid:signed-${randomBytes(4).toString("hex")}`
      const state = yield* Effect.provide(SignInState.sign(conversation, Date.now()), node.context)
      assert.strictEqual(yield* callback(node.url, form({ code: "c1", state })), 200)
      assert.strictEqual(yield* callback(node.url, form({ code: "c2", state })), 400)
      const expired = yield* Effect.provide(
        SignInState.sign(conversation, Date.now() - SignInState.lifetimeMs - 1),
        node.context
      )
      assert.strictEqual(yield* callback(node.url, form({ code: "c3", state: expired })), 400)
    })
  )

  it.effect("one address gets 429 past 30 redirects a minute", () =>
    Effect.gen(function* () {
      const { url } = yield* TestNode.Current
      const statuses: Array<number> = []
      for (let i = 0; i < 31; i++) statuses.push(yield* callback(url, form({ code: "c", state: "nope" })))
      assert.strictEqual(statuses.at(-1), 429)
    })
  )
})
