import { assert, layer } from "@effect/vitest"
import { eq } from "drizzle-orm"
import { Context, Effect, Layer } from "effect"
import type { Browser, Page, WebSocketRoute } from "playwright-core"
import { Db } from "../../db/Db.ts"
import { queues } from "../../db/schema/queues.ts"
import { untilText } from "../conversation/LiveDesk.ts"
import { deviceOf } from "../conversation/sharedNode.ts"
import { eventually, inNode, interactionsOf, transcriptOf } from "../conversation/support.ts"
import { launchChromium } from "../support/Browser.ts"
import * as TestNode from "../support/TestNode.ts"
import { signIn, step, text } from "./support.ts"

/** A chat through the simulator and a browser page: a busy 2-core host takes well over a minute. */
const perTest = 150_000

/** One node and one browser for the file: each test signs in its own agent in a page of its own. */
class Rig extends Context.Tag("test/web/Rig")<Rig, { readonly node: TestNode.TestNode; readonly browser: Browser }>() {}

const rig = Layer.scoped(
  Rig,
  Effect.gen(function* () {
    const node = yield* TestNode.start({ infra: "nats", demo: true })
    const browser = yield* launchChromium
    return { node, browser }
  })
)

const openWorkspace = (agent: string, prepare: (page: Page) => Promise<void> = async () => {}) =>
  Effect.gen(function* () {
    const { node, browser } = yield* Rig
    const context = yield* Effect.acquireRelease(
      Effect.promise(() => browser.newContext({ viewport: { width: 1280, height: 800 } })),
      (c) => Effect.promise(() => c.close())
    )
    const page = yield* Effect.promise(() => context.newPage())
    yield* step(() => prepare(page))
    yield* step(() => page.goto(`${node.url}/workspace`))
    yield* signIn(page, agent)
    yield* setPresence(page, "Available")
    return page
  })

const setPresence = (page: Page, state: "Available" | "Away" | "Offline") =>
  Effect.gen(function* () {
    yield* step(() => page.getByRole("button", { name: /Change presence/ }).click())
    yield* step(() => page.getByRole("menuitemradio", { name: state }).click())
    yield* step(() => page.getByRole("button", { name: new RegExp(`Presence: ${state}`) }).waitFor())
  })

/** A demo customer on a device of their own asks the bot for a person. */
const handOff = (email: string, capabilities?: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const { node } = yield* Rig
    const { device } = yield* deviceOf(node, email, capabilities === undefined ? {} : { capabilities })
    yield* device.say("Can I talk to a live agent please?")
    yield* untilText(device, "connecting you with a live agent")
    return device
  })

layer(rig, { timeout: 180_000, excludeTestServices: true })(
  "the Agent Workspace when things go wrong (Chromium, NATS)",
  (it) => {
    it.scoped(
      "an offer not answered in time leaves the inbox and the agent is set Away",
      () =>
        Effect.gen(function* () {
          const { node } = yield* Rig
          yield* inNode(
            node,
            Effect.flatMap(Db, (db) =>
              db.use("test.acceptTimeout", (d) =>
                d.update(queues).set({ acceptTimeoutSeconds: 6 }).where(eq(queues.name, "apple_default"))
              )
            )
          )
          const page = yield* openWorkspace("Leo Martinez")
          yield* handOff("tom.becker@example.com")
          const offer = page.getByRole("listitem", { name: "Offer: Tom Becker" })
          yield* step(() => offer.waitFor())
          assert.match(yield* text(offer.locator(".seconds")), /^[1-6] s$/)
          yield* step(() => offer.waitFor({ state: "detached", timeout: 20_000 }))
          yield* step(() => page.getByText("The offer from Tom Becker timed out and went to another agent.").waitFor())
          yield* step(() => page.getByRole("button", { name: /Presence: No answer/ }).waitFor())
          yield* inNode(
            node,
            Effect.flatMap(Db, (db) =>
              db.use("test.acceptTimeout", (d) =>
                d.update(queues).set({ acceptTimeoutSeconds: 60 }).where(eq(queues.name, "apple_default"))
              )
            )
          )
          yield* setPresence(page, "Offline")
        }),
      perTest
    )

    it.scoped(
      "a device without LIST: the list picker is disabled with the reason, text still goes",
      () =>
        Effect.gen(function* () {
          const page = yield* openWorkspace("Ava Thompson")
          const raj = yield* handOff("raj.patel@example.com", ["QUICK", "TIME", "FORM"])
          yield* step(() =>
            page.getByRole("listitem", { name: "Offer: Raj Patel" }).getByRole("button", { name: "Accept" }).click()
          )
          yield* untilText(raj, "You're now chatting with")
          const list = page.getByRole("radio", { name: /List picker/ })
          yield* step(() => list.waitFor())
          assert.isTrue(yield* step(() => list.isDisabled()))
          assert.include(yield* step(() => list.getAttribute("aria-label")) ?? "", "does not support list pickers")
          yield* step(() => page.getByText("The customer's device does not support list pickers").waitFor())
          assert.isFalse(yield* step(() => page.getByRole("radio", { name: "Quick reply" }).isDisabled()))
          const quick = page.getByRole("radio", { name: "Quick reply" })
          yield* step(() => quick.click())
          yield* step(() => page.getByRole("radio", { name: "Text" }).click())
          yield* setPresence(page, "Offline")
        }),
      perTest
    )

    it.scoped(
      "the socket drops: the page says it is reconnecting, resumes, and shows each message once",
      () =>
        Effect.gen(function* () {
          const { node } = yield* Rig
          const routes: Array<WebSocketRoute> = []
          let blocked = false
          const page = yield* openWorkspace("Mia Chen", (p) =>
            p.routeWebSocket(/\/ws$/, (ws) => {
              if (blocked) {
                void ws.close({ code: 4000, reason: "network down" })
                return
              }
              ws.connectToServer()
              routes.push(ws)
            })
          )
          const { device: jane } = yield* deviceOf(node, "jane.doe@example.com")
          yield* jane.say("Can I talk to a live agent please?")
          yield* untilText(jane, "connecting you with a live agent")
          yield* step(() =>
            page.getByRole("listitem", { name: "Offer: Jane Doe" }).getByRole("button", { name: "Accept" }).click()
          )
          yield* untilText(jane, "You're now chatting with Mia Chen")
          const [interaction] = yield* interactionsOf(node, jane.id)
          assert.isDefined(interaction)
          yield* jane.say("Before the drop")
          const log = page.getByRole("log", { name: "Conversation with Jane Doe" })
          yield* step(() => log.getByText("Before the drop").waitFor())

          // The network goes: the page says so, and keeps trying.
          blocked = true
          for (const ws of routes.splice(0)) yield* step(() => ws.close({ code: 4000, reason: "network down" }))
          yield* step(() => page.getByText(/Reconnecting…/).waitFor())
          assert.isTrue(
            yield* step(() => page.getByRole("button", { name: "Send" }).isDisabled()),
            "Send waits for the connection"
          )

          // Jane writes while the agent is cut off; both lines are stored before the network returns.
          yield* jane.say("While you were away 1")
          yield* jane.say("While you were away 2")
          yield* eventually(
            transcriptOf(node, interaction?.id ?? ""),
            (rows) => rows.filter((r) => String(r.body.text ?? "").startsWith("While you were away")).length === 2
          )

          blocked = false
          yield* step(() => page.getByText("Back online").waitFor({ timeout: 20_000 }))
          yield* step(() => log.getByText("While you were away 2").waitFor())
          for (const text of ["Before the drop", "While you were away 1", "While you were away 2"])
            assert.strictEqual(yield* step(() => log.getByText(text, { exact: true }).count()), 1, text)
          yield* setPresence(page, "Offline")
        }),
      perTest
    )
  }
)
