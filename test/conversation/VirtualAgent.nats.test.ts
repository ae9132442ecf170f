import { assert, layer } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { casesOfInteraction, openCasesOf } from "../../db/queries/cases.ts"
import { listCatalogItems, requestsOf } from "../../db/queries/catalog.ts"
import { createArticle, createPost } from "../../db/queries/knowledge.ts"
import { openWorkItemOf } from "../../db/queries/workItems.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import { textBody, untilText } from "./LiveDesk.ts"
import { bodyOf, deviceOf, E2eNode, expectKinds, kindOf, nodeLayer, perTest, stranger } from "./sharedNode.ts"
import {
  eventually,
  inNode,
  interactionsOf,
  interactiveOf,
  listItems,
  next,
  nextText,
  quickItems,
  transcriptOf
} from "./support.ts"

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c)

const shapeOf = (lines: ReadonlyArray<{ direction: string; authorKind: string; kind: string }>) =>
  lines.map((m) => `${m.direction}:${m.authorKind}:${m.kind}`)

const guestCapabilities = ["QUICK", "LIST", "TIME", "FORM"]

layer(nodeLayer("nats"), { timeout: 120_000, excludeTestServices: true })("virtual agent topics (NATS)", (it) => {
  it.effect(
    "service catalog: list picker → quantity → details → a REQ request",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const { device: jane, customer } = yield* deviceOf(node, "jane.doe@example.com")
        yield* jane.say("I'd like to order something from the catalog")
        const [hi, picker] = yield* expectKinds(jane, ["text", "listPicker"])
        assert.strictEqual(bodyOf(hi!), "Hi Jane!")
        assert.strictEqual(interactiveOf(picker!).receivedMessage?.title, "What would you like to request?")
        const catalog = yield* inNode(node, listCatalogItems())
        assert.deepStrictEqual(
          listItems(picker!).map((i) => i.identifier),
          catalog.map((i) => i.slug)
        )
        yield* SimReplies.pickFromList(jane, picker!, ["travel-notice"])
        assert.strictEqual(yield* nextText(jane), "How many would you like?")
        yield* jane.say("lots")
        assert.strictEqual(yield* nextText(jane), "Sorry, I didn't get that.")
        assert.strictEqual(yield* nextText(jane), "How many would you like?")
        yield* jane.say("2")
        assert.strictEqual(yield* nextText(jane), "Any details we should know? (or say skip)")
        yield* jane.say("Portugal and Spain, 3 to 17 June")
        const confirmation = yield* nextText(jane)
        const number = /^Your request (REQ\d{7}) for 2 × Travel notice is submitted\.$/.exec(confirmation)?.[1]
        assert.isDefined(number, confirmation)
        const [more] = yield* expectKinds(jane, ["quick-reply"])
        assert.deepStrictEqual(
          quickItems(more!).map((i) => i.identifier),
          ["yes", "no"]
        )

        const [interaction] = yield* interactionsOf(node, jane.id)
        const request = (yield* inNode(node, requestsOf(customer))).find((r) => r.number === number)
        assert.deepStrictEqual(
          [request?.itemName, request?.quantity, request?.details, request?.interactionId, request?.state],
          ["Travel notice", 2, { details: "Portugal and Spain, 3 to 17 June" }, interaction?.id, "submitted"]
        )
        assert.strictEqual(request?.contactId, customer.id)
        const lines = yield* transcriptOf(node, interaction!.id)
        assert.deepStrictEqual(shapeOf(lines), [
          "in:customer:text",
          "out:bot:text",
          "out:bot:listPicker",
          "in:customer:listPicker",
          "out:bot:text",
          "in:customer:text",
          "out:bot:text",
          "out:bot:text",
          "in:customer:text",
          "out:bot:text",
          "in:customer:text",
          "out:bot:text",
          "out:bot:quickReply"
        ])
        assert.deepStrictEqual(node.sim.violations(), [])
      }),
    perTest
  )

  it.effect(
    "create a case: description + details → a CS case; 'my cases' lists the open ones",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const { device: raj, customer } = yield* deviceOf(node, "raj.patel@example.com")
        yield* raj.say("I want to report a problem")
        const [hi, describe] = yield* expectKinds(raj, ["text", "text"])
        assert.strictEqual(bodyOf(hi!), "Hi Raj!")
        assert.strictEqual(bodyOf(describe!), "Please describe the problem in a sentence.")
        yield* raj.say("A payment to Acme Coffee shows up twice")
        assert.strictEqual(yield* nextText(raj), "Anything else we should know? (or say skip)")
        yield* raj.say("It happened on 3 March in Seattle")
        const created = yield* nextText(raj)
        const number = /^I've created case (CS\d{7})\. We'll keep you posted here\.$/.exec(created)?.[1]
        assert.isDefined(number, created)
        yield* expectKinds(raj, ["quick-reply"])

        const [interaction] = yield* interactionsOf(node, raj.id)
        const cases = yield* inNode(node, casesOfInteraction(interaction!.id))
        assert.deepStrictEqual(
          cases.map((c) => [c.number, c.shortDescription, c.description, c.consumerId ?? c.contactId, c.state]),
          [[number, "A payment to Acme Coffee shows up twice", "It happened on 3 March in Seattle", customer.id, "new"]]
        )

        yield* raj.say("Show my cases")
        const listed = yield* nextText(raj)
        const open = yield* inNode(node, openCasesOf(customer))
        assert.isAtLeast(open.length, 1)
        assert.strictEqual(
          listed,
          `Your open cases:\n${open.map((c) => `• ${c.number}: ${c.shortDescription} (${c.state})`).join("\n")}`
        )
        assert.include(listed, `${number}: A payment to Acme Coffee shows up twice (new)`)
        yield* expectKinds(raj, ["quick-reply"])
        assert.deepStrictEqual(node.sim.violations(), [])
      }),
    perTest
  )

  it.effect(
    "knowledge: results come as rich links to pages that escape their titles; none offers an agent",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        // Titles with markup characters, so the pages' escaping is visible.
        const article = yield* inNode(
          node,
          createArticle({
            number: "KB0099001",
            title: `Quokka cards & "tap to pay" <beta>`,
            summary: "Paying with a quokka card by tapping your phone.",
            body: "Tap to pay works with every quokka card once it is in Wallet.",
            category: "Cards"
          })
        )
        const post = yield* inNode(
          node,
          createPost({
            slug: "quokka-tap-to-pay",
            title: `Can I tap to pay with my quokka card? It's <new>`,
            body: "Yes: add the quokka card to Wallet and tap to pay at any terminal.",
            forum: "Cards",
            authorName: "Sam"
          })
        )
        const { device: maria } = yield* deviceOf(node, "maria.garcia@example.com")
        yield* maria.say("How do I tap to pay with a quokka card?")
        assert.strictEqual(yield* nextText(maria), "Hi Maria!")
        const found = yield* nextText(maria)
        assert.match(found, /^Here is what I found:\n1\. /)
        const links: Array<{ readonly url: string; readonly title?: string | undefined }> = []
        let r = yield* next(maria)
        while (r.message.type === "richLink") {
          links.push(r.message.richLinkData)
          r = yield* next(maria)
        }
        assert.strictEqual(kindOf(r), "quick-reply")
        const paths = links.map((l) => new URL(l.url).pathname)
        assert.includeMembers(paths, [`/kb/${article.number}`, `/community/${post.slug}`])
        assert.isTrue(paths.every((p) => /^\/(kb|community)\/[^/]+$/.test(p)))
        for (const link of links) {
          assert.strictEqual(new URL(link.url).origin, node.url)
          const response = yield* Effect.promise(() => fetch(link.url))
          const html = yield* Effect.promise(() => response.text())
          assert.strictEqual(response.status, 200, link.url)
          assert.include(html, `<title>${escapeHtml(link.title ?? "")}</title>`)
        }
        const escaped = links.find((l) => l.title === article.title)
        assert.isDefined(escaped)
        const page = yield* Effect.promise(() => fetch(escaped!.url).then((x) => x.text()))
        assert.include(page, "<h1>Quokka cards &amp; &quot;tap to pay&quot; &lt;beta&gt;</h1>")
        assert.notInclude(page, "<beta>")

        yield* maria.say("How do I frobnicate a zyzzyva?")
        const nothing = yield* expectKinds(maria, ["text", "quick-reply"])
        assert.strictEqual(bodyOf(nothing[0]!), "I couldn't find an article or a community post about that.")
        assert.strictEqual(
          interactiveOf(nothing[1]!).data?.["quick-reply"]?.summaryText,
          "Would you like to chat with a live agent?"
        )
        yield* SimReplies.quickReply(maria, nothing[1]!, "yes")
        assert.include(yield* nextText(maria), "connecting you with a live agent")
        const [interaction] = yield* interactionsOf(node, maria.id)
        const item = yield* eventually(inNode(node, openWorkItemOf(interaction!.id)), (w) => w !== undefined)
        assert.strictEqual(item?.state, "queued")
        assert.deepStrictEqual(node.sim.violations(), [])
      }),
    perTest
  )

  it.effect(
    "a customer joining the line is told their place in it; the next one is behind them",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const placeOf = (text: string) => Number(/You're number (\d+) in line/.exec(text)?.[1])
        const join = (label: string) =>
          Effect.gen(function* () {
            const guest = stranger(node, label, { capabilities: guestCapabilities })
            yield* guest.say("agent")
            const said = yield* untilText(guest, "connecting you with a live agent")
            return placeOf(textBody(said))
          })
        // Nobody is available in the demo data, so both wait; other tests' customers may wait ahead.
        const first = yield* join("line-a")
        const second = yield* join("line-b")
        assert.isAtLeast(first, 1)
        assert.strictEqual(second, first + 1)
        assert.deepStrictEqual(node.sim.violations(), [])
      }),
    perTest
  )

  it.effect(
    "nonsense twice in a row offers a live agent",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const guest = stranger(node, "nonsense", { capabilities: guestCapabilities })
        yield* guest.say("purple monkey dishwasher")
        const first = yield* expectKinds(guest, ["text", "text", "listPicker"])
        assert.deepStrictEqual(first.slice(0, 2).map(bodyOf), [
          "Hi! I'm Parley's virtual assistant.",
          "Sorry, I didn't understand that."
        ])
        yield* guest.say("glorp zib wug")
        const second = yield* expectKinds(guest, ["text", "quick-reply"])
        assert.strictEqual(bodyOf(second[0]!), "Sorry, I'm having trouble understanding.")
        assert.deepStrictEqual(
          quickItems(second[1]!).map((i) => i.identifier),
          ["yes", "no"]
        )
        yield* SimReplies.quickReply(guest, second[1]!, "yes")
        assert.include(yield* nextText(guest), "connecting you with a live agent")
        const [interaction] = yield* interactionsOf(node, guest.id)
        const item = yield* eventually(inNode(node, openWorkItemOf(interaction!.id)), (w) => w !== undefined)
        assert.isDefined(item)
        const [queued] = yield* interactionsOf(node, guest.id)
        assert.strictEqual(queued?.reason, "Offered after the bot could not help")
        assert.deepStrictEqual(node.sim.violations(), [])
      }),
    perTest
  )

  it.effect(
    "'human' as the very first message hands off, before any sign-in",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        // All capabilities, AUTH2 included: an unknown customer who asks for a person is not made to sign in first.
        const newcomer = stranger(node, "human")
        yield* newcomer.say("human")
        const got = yield* expectKinds(newcomer, ["text", "text"])
        assert.strictEqual(bodyOf(got[0]!), "Hi! I'm Parley's virtual assistant.")
        assert.include(bodyOf(got[1]!), "connecting you with a live agent")
        const [interaction] = yield* interactionsOf(node, newcomer.id)
        const item = yield* eventually(inNode(node, openWorkItemOf(interaction!.id)), (w) => w !== undefined)
        assert.isDefined(item)
        const [queued] = yield* interactionsOf(node, newcomer.id)
        assert.strictEqual(queued?.reason, "The customer asked for a live agent")
        assert.deepStrictEqual(node.sim.violations(), [])
      }),
    perTest
  )

  it.effect(
    "a customer's close ends the interaction; writing again opens a new one",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const { device: maria } = yield* deviceOf(node, "maria.garcia@example.com")
        yield* maria.say("menu")
        const [hi] = yield* expectKinds(maria, ["text", "listPicker"])
        assert.strictEqual(bodyOf(hi!), "Hi Maria!")
        yield* maria.close()
        const [closed] = yield* eventually(interactionsOf(node, maria.id), (rows) => rows[0]?.closedAt !== null)
        assert.strictEqual(closed?.state, "closed_abandoned")

        yield* maria.say("I want to report a problem")
        const again = yield* expectKinds(maria, ["text", "text"])
        assert.deepStrictEqual(again.map(bodyOf), ["Hi Maria!", "Please describe the problem in a sentence."])
        const rows = yield* interactionsOf(node, maria.id)
        assert.strictEqual(rows.length, 2)
        const [first, second] = rows
        assert.match(first!.number, /^IMS\d{7}$/)
        assert.match(second!.number, /^IMS\d{7}$/)
        assert.notStrictEqual(first!.number, second!.number)
        assert.isNull(second!.closedAt)
        assert.deepStrictEqual(shapeOf(yield* transcriptOf(node, first!.id)), [
          "in:customer:text",
          "out:bot:text",
          "out:bot:listPicker",
          "in:customer:close"
        ])
        assert.deepStrictEqual(shapeOf(yield* transcriptOf(node, second!.id)), [
          "in:customer:text",
          "out:bot:text",
          "out:bot:text"
        ])
        assert.deepStrictEqual(node.sim.violations(), [])
      }),
    perTest
  )
  it.effect(
    "Apple answers 404 for the customer: the interaction closes and nothing more is sent",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const { device: jane } = yield* deviceOf(node, "jane.doe@example.com")
        node.sim.setCustomerStatus(jane.id, 404)
        yield* jane.say("I lost my card")
        // A fresh node may still be taking its partitions: wait on the row, with a bound.
        const [closed] = yield* interactionsOf(node, jane.id).pipe(
          Effect.filterOrFail(
            (rows) => rows[0]?.closedAt != null,
            () => new Error("interaction still open")
          ),
          Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("60 seconds")))
        )
        assert.strictEqual(closed?.state, "closed_abandoned")
        assert.lengthOf(jane.received, 0)
        assert.deepStrictEqual(node.sim.violations(), [])
      }),
    perTest
  )
})
