import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Page } from "playwright-core"
import * as SimReplies from "../../sim/SimReplies.ts"
import { nextMessage, textBody, untilText } from "../conversation/LiveDesk.ts"
import { janeId, janeSteps1to7 } from "../conversation/StorySuite.ts"
import { interactiveOf, quickItems } from "../conversation/support.ts"
import { launchChromium } from "../support/Browser.ts"
import * as TestNode from "../support/TestNode.ts"
import { screenshot, signIn, step, text } from "./support.ts"

/**
 * The agent story in Chromium against a real node on NATS + PostgreSQL with the Apple
 * simulator: Ava signs in, goes Available, takes Jane's hand-off, sees the bot's part and her
 * cards, sends a text and a list picker, books a call-back and closes with a wrap-up code; Sam
 * then finds the interaction in the manager console with its transcript and Jane's rating.
 */
describe("the Agent Workspace and the manager console in Chromium", () => {
  it.live(
    "an agent takes Jane's hand-off end to end; the manager reads it back",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* TestNode.start({ infra: "nats", demo: true })
          const browser = yield* launchChromium
          const page: Page = yield* Effect.promise(() => browser.newPage({ viewport: { width: 1280, height: 800 } }))
          const jane = node.sim.customers.add({ id: janeId, locale: "en_US", intent: "cards", group: "retail" })

          yield* step(() => page.goto(`${node.url}/workspace`))
          yield* signIn(page, "Ava Thompson")
          yield* step(() => page.getByText("Offline — go Available to get chats").first().waitFor())
          yield* step(() => page.getByRole("button", { name: /Change presence/ }).click())
          yield* step(() => page.getByRole("menuitemradio", { name: "Available" }).click())
          yield* step(() => page.getByText("No chats waiting.").waitFor())
          assert.include(yield* text(page.locator(".capacity")), "0 of 3")

          yield* janeSteps1to7(node, jane)
          yield* jane.say("Can I talk to a live agent about refinancing?")
          yield* untilText(jane, "connecting you with a live agent")

          // The offer: Jane by name, a countdown, accepted with the keyboard (Alt+A).
          const offer = page.getByRole("listitem", { name: "Offer: Jane Doe" })
          yield* step(() => offer.waitFor())
          assert.match(yield* text(offer.locator(".seconds")), /^\d+ s$/)
          yield* step(() => page.keyboard.press("Alt+a"))
          yield* untilText(jane, "You're now chatting with Ava Thompson")
          yield* step(() => page.getByRole("tab", { name: /Jane Doe/ }).waitFor())
          assert.include(yield* text(page.locator(".capacity")), "1 of 3")

          // The bot's part, marked and readable: what she chose, not JSON; her cards beside it.
          const log = page.getByRole("log", { name: "Conversation with Jane Doe" })
          yield* step(() => log.getByRole("button", { name: /Virtual agent · / }).waitFor())
          const transcript = yield* text(log)
          assert.include(transcript, "Which card would you like to replace?")
          assert.include(transcript, "Chose: Parley Rewards Visa Signature")
          assert.notInclude(transcript, "interactiveData")
          assert.notInclude(transcript, "{")
          const context = page.getByRole("complementary", { name: "Customer context" })
          const shown = yield* text(context)
          for (const part of [
            "Northwind Traders",
            "•••• 4821",
            "Parley Rewards Visa Signature",
            "CS0001001",
            "English"
          ])
            assert.include(shown, part)

          // A text with Enter, then a list picker with its preview.
          const composer = page.getByRole("textbox", { name: "Message" })
          const focused = yield* step(() =>
            page.evaluate(
              () =>
                (globalThis as unknown as { document: { activeElement: { ariaLabel: string | null } | null } }).document
                  .activeElement?.ariaLabel
            )
          )
          assert.strictEqual(focused, "Message", "accept focuses the composer")
          yield* step(() => composer.fill("Hi Jane, I'm Ava. Which product would you like to refinance?"))
          yield* step(() => composer.press("Enter"))
          assert.strictEqual(
            textBody(yield* nextMessage(jane)),
            "Hi Jane, I'm Ava. Which product would you like to refinance?"
          )
          yield* step(() => page.getByRole("radio", { name: "List picker" }).click())
          yield* step(() => page.getByLabel("Title", { exact: true }).fill("What would you like to refinance?"))
          yield* step(() => page.getByLabel(/Items, one per line/).fill("Home loan | 30-year fixed\nHome equity line"))
          yield* step(() => page.getByLabel("Preview on the customer's device").getByText("Home equity line").waitFor())
          yield* step(() => page.getByRole("button", { name: "Send", exact: true }).click())
          const picker = yield* nextMessage(jane)
          assert.strictEqual(interactiveOf(picker).receivedMessage?.title, "What would you like to refinance?")
          yield* SimReplies.pickFromList(jane, picker, [
            interactiveOf(picker).data?.listPicker?.sections[0]?.items[0]?.identifier ?? ""
          ])
          yield* step(() => log.getByText("Chose: Home loan").first().waitFor())

          // A call-back from the specialists' slots; her choice books it.
          yield* step(() => page.getByRole("button", { name: "Call-back" }).click())
          yield* step(() => page.getByRole("button", { name: "Offer call-back times" }).click())
          const times = yield* nextMessage(jane)
          const slot = interactiveOf(times).data?.event?.timeslots[0]
          assert.isDefined(slot)
          yield* step(() => page.getByText(/Call-back times offered/).waitFor())
          yield* SimReplies.pickTime(jane, times, slot?.identifier ?? "")
          yield* untilText(jane, "Your call back is booked")
          yield* step(() =>
            page
              .getByText(/Call-back booked with Mortgage specialists/)
              .first()
              .waitFor()
          )
          yield* screenshot(page, "workspace.png")

          // Close with a wrap-up code, then Complete frees the slot.
          yield* step(() => page.getByRole("button", { name: "Close", exact: true }).click())
          yield* step(() => page.getByLabel("Wrap-up code").selectOption("Call-back booked"))
          yield* step(() => page.getByRole("button", { name: "Close and wrap up" }).click())
          yield* step(() => page.getByText(/Wrap-up · Call-back booked/).waitFor())
          yield* step(() => page.getByRole("button", { name: "Complete" }).click())
          yield* step(() => page.getByText("Accept a chat to start").first().waitFor())
          assert.include(yield* text(page.locator(".capacity")), "0 of 3")

          // Jane rates the chat.
          yield* untilText(jane, "Thanks for chatting with us")
          const rating = yield* nextMessage(jane)
          assert.strictEqual(quickItems(rating).length, 5)
          yield* SimReplies.quickReply(jane, rating, "4")
          yield* untilText(jane, "Anything you'd like to add?")
          yield* jane.say("Ava booked my call-back quickly")
          yield* untilText(jane, "Goodbye")

          // The manager finds it by Jane's name, reads the transcript and the rating.
          const manager = yield* Effect.promise(() => browser.newPage({ viewport: { width: 1280, height: 800 } }))
          yield* step(() => manager.goto(`${node.url}/manager`))
          yield* signIn(manager, "Sam Rivera")
          yield* step(() => manager.getByRole("link", { name: "Interactions" }).click())
          const row = manager
            .getByRole("row")
            .filter({ hasText: "Jane Doe" })
            .filter({ hasText: "Ava Thompson" })
            .first()
          yield* step(() => row.waitFor())
          const rowText = yield* text(row)
          assert.include(rowText, "Closed")
          assert.notMatch(rowText, /[0-9a-f]{8}-[0-9a-f]{4}-/, "names, never ids")
          yield* step(() => row.click())
          const drawer = manager.getByRole("dialog", { name: /Interaction IMS/ })
          yield* step(() => drawer.getByRole("log").getByText("Chose: Home loan").first().waitFor())
          const read = yield* text(drawer)
          assert.include(read, "Hi Jane, I'm Ava.")
          assert.include(read, "4 of 5")
          assert.include(read, "Ava booked my call-back quickly")
          assert.notInclude(read, "interactiveData")
          yield* step(() => manager.keyboard.press("Escape"))
          yield* step(() => manager.getByRole("link", { name: "Feedback" }).click())
          yield* step(() => manager.getByRole("table", { name: "By agent" }).getByText("Ava Thompson").waitFor())
          yield* step(() => manager.getByRole("link", { name: "Overview" }).click())
          yield* step(() => manager.getByRole("table", { name: "Queues" }).getByText("Mortgage specialists").waitFor())
          yield* screenshot(manager, "manager.png")
        })
      ),
    420_000
  )
})
