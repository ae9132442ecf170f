import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { demoPasswordDefault } from "../../db/seed/staff.ts"
import { percentile } from "../support/ClusterLoad.ts"
import * as TestNode from "../support/TestNode.ts"

const login = (url: string, body: { login: string; password: string }) =>
  Effect.promise(async () => {
    const started = performance.now()
    const response = await fetch(`${url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body)
    })
    await response.text()
    return { status: response.status, retryAfter: response.headers.get("retry-after"), ms: performance.now() - started }
  })

layer(TestNode.layer({ infra: "embedded" }), { timeout: 120_000 })("POST /api/login", (it) => {
  it.effect("after five wrong passwords the right one answers 429 with Retry-After, not a token", () =>
    Effect.gen(function* () {
      const { url } = yield* TestNode.Current
      for (let i = 0; i < 5; i++)
        assert.strictEqual((yield* login(url, { login: "sam.manager", password: `guess-${i}` })).status, 401)
      const right = yield* login(url, { login: "sam.manager", password: demoPasswordDefault })
      assert.strictEqual(right.status, 429)
      assert.isAbove(Number(right.retryAfter), 0)
    })
  )

  it.effect("an unknown login takes as long as a known one (argon2 against a dummy hash)", () =>
    Effect.gen(function* () {
      const { url } = yield* TestNode.Current
      const known = ["ava.agent", "leo.agent", "mia.mortgage", "jane.doe"]
      const knownMs: Array<number> = []
      const unknownMs: Array<number> = []
      for (let round = 0; round < 2; round++) {
        for (const [i, name] of known.entries()) {
          knownMs.push((yield* login(url, { login: name, password: "not-it" })).ms)
          unknownMs.push((yield* login(url, { login: `nobody-${round}-${i}`, password: "not-it" })).ms)
        }
      }
      const k = percentile(knownMs, 50)
      const u = percentile(unknownMs, 50)
      // Tolerance: the medians within a factor of two (without the dummy verify, unknown is ~4× faster).
      assert.isAbove(u, k / 2, `unknown ${u.toFixed(1)} ms vs known ${k.toFixed(1)} ms`)
      assert.isBelow(u, k * 2, `unknown ${u.toFixed(1)} ms vs known ${k.toFixed(1)} ms`)
    })
  )
})
