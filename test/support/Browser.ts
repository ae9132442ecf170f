import { Effect, type Scope } from "effect"
import { type Browser, chromium } from "playwright-core"

/**
 * Debian's Chromium (`apt-get install chromium`, done by `.ci/run`), headless, for the page tests;
 * never a downloaded browser. Playwright gives it a new empty profile. The background-networking
 * flags keep it from calling out: this machine's network is closed and every refused connection
 * slows it down.
 */
export const launchChromium: Effect.Effect<Browser, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() =>
    chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync"
      ]
    })
  ),
  (browser) => Effect.promise(() => browser.close())
)
