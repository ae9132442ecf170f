import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import type { Locator, Page } from "playwright-core"

/** A Playwright call as an Effect; its own time-outs (30 s by default) fail the test with what it waited for. */
export const step = <A>(f: () => Promise<A>): Effect.Effect<A> => Effect.promise(f)

/** What a locator's element reads (its text content, "" for none). */
export const text = (locator: Locator): Effect.Effect<string> =>
  Effect.map(
    step(() => locator.textContent()),
    (t) => t ?? ""
  )

/** Signs in on a page's sign-in card with a demo identity (listed on a demo node). */
export const signIn = (page: Page, name: string) =>
  Effect.gen(function* () {
    yield* step(() =>
      page
        .getByRole("region", { name: "Demo identities" })
        .getByRole("button", { name: new RegExp(name) })
        .click()
    )
    yield* step(() => page.getByRole("button", { name: "Sign in" }).click())
  })

const docs = fileURLToPath(new URL("../../docs/", import.meta.url))

/** The README's screenshots, refreshed by the test that reaches the state they show. */
export const screenshot = (page: Page, file: string) =>
  Effect.promise(async () => {
    mkdirSync(docs, { recursive: true })
    await page.screenshot({ path: `${docs}${file}` })
  })
