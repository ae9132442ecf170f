import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { launchChromium } from "../support/Browser.ts"
import * as TestNode from "../support/TestNode.ts"

const about = (url: string) =>
  Effect.promise(() => fetch(`${url}/api/about`).then((r) => r.json() as Promise<Record<string, unknown>>))

describe("the pages", () => {
  it.scoped("serve the front page, the workspace, the manager console and the device, never cached as HTML", () =>
    Effect.gen(function* () {
      const node = yield* TestNode.start({ infra: "embedded", demo: true })
      for (const path of ["/", "/workspace", "/workspace/chat/1", "/manager", "/device"]) {
        const response = yield* Effect.promise(() => fetch(`${node.url}${path}`))
        assert.strictEqual(response.status, 200, path)
        assert.match(response.headers.get("content-type") ?? "", /text\/html/)
        assert.strictEqual(response.headers.get("cache-control"), "no-cache")
        const html = yield* Effect.promise(() => response.text())
        const script = html.match(/src="(\/assets\/[^"]+\.js)"/)?.[1]
        assert.isDefined(script, `${path} loads a built script`)
        const asset = yield* Effect.promise(() => fetch(`${node.url}${script}`))
        assert.strictEqual(asset.status, 200)
        assert.match(asset.headers.get("cache-control") ?? "", /immutable/)
      }
    })
  )

  it.scoped("tell a demo node's pages the demo identities and the simulator, and a real one's nothing of them", () =>
    Effect.gen(function* () {
      const demo = yield* TestNode.start({ infra: "embedded", demo: true })
      const shown = yield* about(demo.url)
      assert.strictEqual(shown.demo, true)
      assert.strictEqual(shown.simulatorUrl, demo.sim.origin)
      const logins = (shown.identities as ReadonlyArray<{ login?: string }>).map((i) => i.login)
      assert.includeMembers(logins, ["ava.agent", "sam.manager"])
      const real = yield* TestNode.start({ infra: "embedded" })
      assert.deepStrictEqual(yield* about(real.url), { product: "Parley", demo: false })
    })
  )
})

describe("the front page in Chromium", () => {
  it.scoped("links the workspace, the manager console and, on a demo node, the customer device", () =>
    Effect.gen(function* () {
      const node = yield* TestNode.start({ infra: "embedded", demo: true })
      const browser = yield* launchChromium
      const page = yield* Effect.promise(() => browser.newPage())
      yield* Effect.promise(() => page.goto(`${node.url}/`))
      // The demo's links come with /api/about, after the page's load event; the page clears aria-busy once it has it.
      yield* Effect.promise(() => page.locator('main[aria-busy="false"]').waitFor())
      const links = yield* Effect.promise(() =>
        page.getByRole("link").evaluateAll((all) => all.map((a) => a.getAttribute("href")))
      )
      assert.includeMembers(links, ["/workspace", "/manager", "/device"])
    })
  )
})
