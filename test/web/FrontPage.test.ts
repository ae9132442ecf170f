import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Browser } from "playwright-core"
import { launchChromium } from "../support/Browser.ts"
import * as TestNode from "../support/TestNode.ts"

const front = (browser: Browser, url: string) =>
  Effect.promise(async () => {
    const page = await browser.newPage()
    await page.goto(`${url}/`)
    // The page asks /api/about, then shows (or leaves out) the demo part.
    await page.locator('main[aria-busy="false"]').waitFor({ timeout: 30_000 })
    const shown = {
      links: await page.getByRole("link").evaluateAll((all) => all.map((a) => a.getAttribute("href") ?? "")),
      text: (await page.locator("body").textContent()) ?? "",
      identities: await page.getByTestId("demo-identities").count()
    }
    await page.close()
    return shown
  })

describe("the front page", () => {
  it.live(
    "shows the demo identities, their password and the device on a demo node, and none of them on a real one",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const browser = yield* launchChromium
          const demo = yield* TestNode.start({ infra: "nats", demo: true })
          const shown = yield* front(browser, demo.url)
          assert.includeMembers(shown.links, [
            "/device",
            "/workspace",
            "/manager",
            "/api/openapi.json",
            "/api/asyncapi.json",
            "/healthz",
            "/readyz"
          ])
          assert.strictEqual(shown.identities, 1)
          assert.include(shown.text, "ava.agent")
          assert.include(shown.text, "sam.manager")
          assert.include(shown.text, "parley-demo")
          assert.include(shown.text, "Jane Doe")

          const real = yield* TestNode.start({ infra: "nats" })
          const plain = yield* front(browser, real.url)
          assert.includeMembers(plain.links, ["/workspace", "/manager", "/api/openapi.json", "/api/asyncapi.json"])
          assert.notInclude(plain.links, "/device")
          assert.isFalse(plain.links.some((l) => l.startsWith("/device")))
          assert.strictEqual(plain.identities, 0)
          for (const secret of ["ava.agent", "parley-demo", "Jane Doe", "Demo identities"])
            assert.notInclude(plain.text, secret)
        })
      ),
    { timeout: 120_000 }
  )
})
