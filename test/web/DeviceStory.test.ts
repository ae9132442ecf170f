import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import { launchChromium } from "../support/Browser.ts"
import * as TestNode from "../support/TestNode.ts"

const wait = { timeout: 60_000 }

/** Sends a text from the compose bar, as a person types it. */
const write = async (page: Page, text: string) => {
  await page.getByLabel("Message", { exact: true }).fill(text)
  await page.getByRole("button", { name: "Send", exact: true }).click()
}

const sheet = (page: Page) => page.getByRole("dialog")

/** Runs a browser flow; when it fails, the failure says what the page showed. */
const inBrowser = <A>(page: Page, flow: () => Promise<A>) =>
  Effect.promise(() =>
    flow().catch(async (error: unknown) => {
      const shown = await page.locator("body").textContent()
      throw new Error(`${error instanceof Error ? error.message : String(error)}\nThe page showed: ${shown}`)
    })
  )

/**
 * The seed story on the device page, as a person plays it: steps 1–5 (Jane writes, is known, picks
 * her card in the list picker's sheet, fills the form's pages, picks a delivery slot), 7 (rich links
 * to refinancing) and 10 (feedback by quick reply), with every answer crossing the simulator.
 */
const playJane = async (page: Page, url: string) => {
  await page.goto(`${url}/device`)
  await page.getByRole("button", { name: /Jane Doe/ }).click()

  // 1–2: she writes; the bot knows her.
  await write(page, "I need a replacement credit card")
  await page.getByText("Hi Jane!").waitFor(wait)
  await page.getByText("Delivered").or(page.getByText("Read")).first().waitFor(wait)

  // 3: the list picker bubble opens a sheet; Send stays disabled until a card is chosen.
  await page.getByRole("button", { name: /Which card would you like to replace/ }).click(wait)
  const send = sheet(page).getByRole("button", { name: "Send" })
  assert.isTrue(await send.isDisabled())
  await sheet(page)
    .getByRole("radio", { name: /Parley Rewards Visa Signature/ })
    .click()
  await send.click()
  await page.locator(".reply-bubble", { hasText: "Parley Rewards Visa Signature" }).waitFor(wait)

  // 4: the form: splash, a select page (checked before Next), a date page, address and phone kept.
  await page.locator('[data-kind="form"] button').click(wait)
  await sheet(page).getByRole("button", { name: "Start" }).click()
  await sheet(page).getByRole("button", { name: "Next" }).click()
  await sheet(page).getByRole("alert").waitFor(wait)
  await sheet(page).getByRole("radio", { name: "Lost" }).click()
  await sheet(page).getByRole("button", { name: "Next" }).click()
  await sheet(page).getByLabel("When did it happen?").fill("2026-03-10")
  await sheet(page).getByRole("button", { name: "Next" }).click()
  assert.include(await sheet(page).getByRole("textbox").getAttribute("placeholder"), "500 Market Street")
  await sheet(page).getByRole("button", { name: "Next" }).click()
  await sheet(page).getByText("Phone number").first().waitFor(wait)
  // The phone page, then the summary (the form asks for one), then Submit.
  await sheet(page).getByRole("button", { name: "Next" }).click()
  await sheet(page).getByRole("heading", { name: "Summary" }).waitFor(wait)
  await sheet(page).getByRole("button", { name: "Submit" }).click()
  await sheet(page).waitFor({ state: "detached", ...wait })

  // 5: the delivery slot: a day, then a time, then Send.
  await page.locator('[data-kind="timePicker"] button').click(wait)
  const firstDay = sheet(page)
    .getByRole("button", { name: /available/ })
    .first()
  if (await firstDay.isVisible()) await firstDay.click()
  await sheet(page).getByRole("radio").nth(1).click()
  await sheet(page).getByRole("button", { name: "Send" }).click()
  await page.getByText(/3–5 business days/).waitFor(wait)

  // 7: rich links to knowledge and community posts.
  await write(page, "What are my home refinance options?")
  await page.getByText(/^Here is what I found:/).waitFor(wait)
  await page.locator(".rich-link").nth(1).waitFor(wait)
  const links = await page.locator(".rich-link").evaluateAll((all) => all.map((a) => a.getAttribute("href") ?? ""))

  // 10: no more help → the rating as quick-reply pills → a comment → goodbye.
  await page.getByRole("button", { name: "No, thanks" }).click(wait)
  await page.getByRole("button", { name: "5 Excellent" }).click(wait)
  await page.getByText(/Anything you'd like to add/).waitFor(wait)
  await write(page, "Quick and easy, thanks")
  await page.getByText(/Goodbye/).waitFor(wait)
  const violationsShown = await page.getByTestId("violation-count").textContent()
  return { links, violationsShown }
}

describe("the customer device page", () => {
  // Live clock: the node checks the simulator's token times against it.
  it.live(
    "Jane plays the story's steps 1–5, 7 and 10 in the browser with no simulator violation",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* TestNode.start({ infra: "nats", demo: true })
          const browser = yield* launchChromium
          const page = yield* Effect.promise(() => browser.newPage({ viewport: { width: 1280, height: 800 } }))
          const { links, violationsShown } = yield* inBrowser(page, () => playJane(page, node.url))
          assert.isAtLeast(links.length, 2)
          assert.isTrue(links.some((l) => l.includes("/kb/")))
          assert.strictEqual(violationsShown, "0")
          assert.deepStrictEqual(node.sim.violations(), [])

          // Every answer crossed the webhook: the device has the interactive replies, in order.
          const jane = node.sim.customers.get("urn:mbid:AQAAY-demo-jane")
          const sent = (jane?.log ?? []).flatMap((e) => (e.direction === "out" ? [e.summary ?? e.fields.body] : []))
          assert.deepStrictEqual(sent, [
            "I need a replacement credit card",
            "Parley Rewards Visa Signature",
            "Submitted",
            sent[3],
            "What are my home refinance options?",
            "No, thanks",
            "5 Excellent",
            "Quick and easy, thanks"
          ])
          assert.match(String(sent[3]), /^\d{4}-\d{2}-\d{2}T/)
        })
      ),
    { timeout: 300_000 }
  )

  it.live(
    "a Mac guest without AUTH2 gets the text fallbacks and no sign-in request",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* TestNode.start({ infra: "nats", demo: true })
          const browser = yield* launchChromium
          const page = yield* Effect.promise(() => browser.newPage({ viewport: { width: 1280, height: 800 } }))
          const shown = yield* inBrowser(page, async () => {
            await page.goto(`${node.url}/device`)
            await page.getByText("Mac", { exact: true }).click()
            assert.isTrue(await page.getByRole("checkbox", { name: /FORM/ }).isDisabled())
            await page.getByRole("checkbox", { name: /AUTH2/ }).uncheck()
            await page.getByRole("checkbox", { name: /QUICK/ }).uncheck()
            await page.getByRole("button", { name: /Start as a guest on Mac/ }).click()
            await page.locator(".frame-mac").waitFor(wait)
            await write(page, "I need a replacement card")
            await page
              .getByRole("log")
              .getByText(/I need to know who you are/)
              .waitFor(wait)
            await page
              .getByRole("log")
              .getByText(/Would you like to chat with a live agent\?\n1\./)
              .waitFor(wait)
            return {
              capabilities: await page.getByTestId("capabilities").textContent(),
              interactive: await page.locator(".interactive-bubble, .quick-options").count(),
              violations: await page.getByTestId("violation-count").textContent()
            }
          })
          assert.strictEqual(shown.capabilities, "LISTTIME")
          assert.strictEqual(shown.interactive, 0)
          assert.strictEqual(shown.violations, "0")
          const guest = node.sim.customers.all().find((c) => c.deviceAgent === "Mac OS X")
          assert.deepStrictEqual(guest?.capabilities, ["LIST", "TIME"])
          assert.isFalse(guest?.received.some((r) => r.interactive !== undefined))
          assert.deepStrictEqual(node.sim.violations(), [])
        })
      ),
    { timeout: 180_000 }
  )
})
