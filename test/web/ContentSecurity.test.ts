import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import { launchChromium } from "../support/Browser.ts"
import * as TestNode from "../support/TestNode.ts"
import { signIn, step } from "./support.ts"

const wait = { timeout: 60_000 }

const recordViolations = `
  window.cspViolations = []
  document.addEventListener("securitypolicyviolation", (e) =>
    window.cspViolations.push(e.violatedDirective + " blocked " + e.blockedURI))
`

/**
 * Everything the browser reports against the page's policy: `securitypolicyviolation` events
 * (recorded from before the page's own scripts run) and console lines naming the policy.
 */
const watchViolations = (page: Page) =>
  Effect.gen(function* () {
    const console: Array<string> = []
    page.on("console", (message) => {
      if (message.text().includes("Content Security Policy")) console.push(message.text())
    })
    // A string, not a function: it runs in the page, and this package's types have no DOM.
    yield* step(() => page.addInitScript(recordViolations))
    return step(async () => [...console, ...((await page.evaluate("window.cspViolations")) as Array<string>)])
  })

describe("the pages under their Content Security Policy in Chromium", () => {
  // Live clock: the simulator signs its webhooks with the time, which a test clock would set to 1970.
  it.live(
    "the front page, the workspace (its socket included), the manager console and the device load with no violation",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* TestNode.start({ infra: "embedded", demo: true })
          const browser = yield* launchChromium
          const host = new URL(node.url).host

          for (const path of ["/", "/workspace", "/manager", "/device"]) {
            const response = yield* Effect.promise(() => fetch(`${node.url}${path}`))
            const csp = response.headers.get("content-security-policy") ?? ""
            assert.include(csp, "script-src 'self'", path)
            assert.include(csp, "frame-ancestors 'none'", path)
            assert.include(csp, `connect-src 'self' ws://${host} wss://${host}`, path)
            assert.notInclude(csp, "unsafe-inline", path)
            assert.strictEqual(response.headers.get("x-content-type-options"), "nosniff", path)
            assert.strictEqual(response.headers.get("x-frame-options"), "DENY", path)
          }

          const front = yield* Effect.promise(() => browser.newPage())
          const frontViolations = yield* watchViolations(front)
          yield* step(() => front.goto(`${node.url}/`))
          yield* step(() =>
            front
              .getByRole("link", { name: /Agent Workspace/ })
              .first()
              .waitFor(wait)
          )
          assert.deepStrictEqual(yield* frontViolations, [], "/")

          // The workspace: signed in, the socket open (going Available is a socket command and its answer).
          const workspace = yield* Effect.promise(() => browser.newPage())
          const workspaceViolations = yield* watchViolations(workspace)
          yield* step(() => workspace.goto(`${node.url}/workspace`))
          yield* signIn(workspace, "Ava Thompson")
          yield* step(() => workspace.getByText("Offline — go Available to get chats").first().waitFor(wait))
          yield* step(() => workspace.getByRole("button", { name: /Change presence/ }).click())
          yield* step(() => workspace.getByRole("menuitemradio", { name: "Available" }).click())
          yield* step(() => workspace.getByText("No chats waiting.").waitFor(wait))
          assert.deepStrictEqual(yield* workspaceViolations, [], "/workspace")

          const manager = yield* Effect.promise(() => browser.newPage())
          const managerViolations = yield* watchViolations(manager)
          yield* step(() => manager.goto(`${node.url}/manager`))
          yield* signIn(manager, "Sam Rivera")
          yield* step(() =>
            manager
              .getByRole("heading", { name: /Queues/ })
              .first()
              .waitFor(wait)
          )
          assert.deepStrictEqual(yield* managerViolations, [], "/manager")

          // The device: Jane writes and the bot's answer (with its list picker) comes back through /device/api.
          const device = yield* Effect.promise(() => browser.newPage())
          const deviceViolations = yield* watchViolations(device)
          yield* step(() => device.goto(`${node.url}/device`))
          yield* step(() => device.getByRole("button", { name: /Jane Doe/ }).click())
          yield* step(() => device.getByLabel("Message", { exact: true }).fill("I need a replacement credit card"))
          yield* step(() => device.getByRole("button", { name: "Send", exact: true }).click())
          yield* step(() => device.getByText("Hi Jane!").waitFor(wait))
          yield* step(() => device.getByRole("button", { name: /Which card would you like to replace/ }).waitFor(wait))
          assert.deepStrictEqual(yield* deviceViolations, [], "/device")
        })
      ),
    180_000
  )
})
