import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { assetsOf } from "../../db/queries/assets.ts"
import { customerColumns } from "../../db/queries/CustomerRef.ts"
import { casesOfInteraction } from "../../db/queries/cases.ts"
import { findCustomerByEmail } from "../../db/queries/customers.ts"
import { replacementOrdersOfInteraction } from "../../db/queries/replacementOrders.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import { bodyOf, deviceOf, E2eNode, expectKinds, identityRow, nodeLayer, perTest, stranger } from "./sharedNode.ts"
import {
  eventually,
  inNode,
  interactionsOf,
  interactiveOf,
  listItems,
  next,
  nextText,
  transcriptOf
} from "./support.ts"

layer(nodeLayer("nats"), { timeout: 120_000, excludeTestServices: true })(
  "who the customer is, and what their device can show (NATS)",
  (it) => {
    it.effect(
      "an unknown customer signs in with Apple (AUTH2) as Tom Becker and is offered his own cards",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const tom = stranger(node, "tom", { email: "tom.becker@example.com" })
          const ref = yield* inNode(node, findCustomerByEmail("tom.becker@example.com"))
          assert.isDefined(ref)
          yield* tom.say("I lost my card and need a replacement")
          const [hi, first, request] = yield* expectKinds(tom, ["text", "text", "authenticate"])
          assert.strictEqual(bodyOf(hi!), "Hi! I'm Parley's virtual assistant.")
          assert.strictEqual(bodyOf(first!), "First, please sign in so I can see your account.")
          const oauth2 = interactiveOf(request!).data?.authenticate?.oauth2
          assert.strictEqual(oauth2?.redirectURI, `${node.url}/auth/apple/callback`)

          const exchanges = node.idp.tokenRequests.length
          yield* SimReplies.authenticate(node.sim.state, tom, request!)
          const [thanks, intro, picker] = yield* expectKinds(tom, ["text", "text", "listPicker"])
          // The code was exchanged at the provider's own server, with the client's credentials.
          assert.deepStrictEqual(node.idp.tokenRequests.slice(exchanges), [{ clientId: node.idp.clientId, ok: true }])
          assert.strictEqual(bodyOf(thanks!), "Thanks, Tom: you're signed in.")
          assert.strictEqual(bodyOf(intro!), "I can help you replace a card.")
          const cards = yield* inNode(node, assetsOf(ref!))
          assert.deepStrictEqual(
            listItems(picker!).map((i) => [i.identifier, i.title]),
            cards.map((c) => [c.id, c.productName])
          )
          assert.deepStrictEqual(
            cards.map((c) => c.productName),
            ["Parley Business Platinum Card"]
          )

          const [identity] = yield* identityRow(node, tom.id)
          assert.strictEqual(identity?.linkedBy, "authentication")
          assert.deepStrictEqual(
            { contactId: identity?.contactId, consumerId: identity?.consumerId },
            customerColumns(ref!)
          )
          const [interaction] = yield* eventually(interactionsOf(node, tom.id), (rows) => rows[0]?.contactId !== null)
          assert.deepStrictEqual(
            { contactId: interaction?.contactId, consumerId: interaction?.consumerId },
            customerColumns(ref!)
          )
          assert.deepStrictEqual(node.sim.violations(), [])
        }),
      perTest
    )

    it.effect(
      "with legacy AUTH the device's encrypted token signs the customer in, no code exchanged",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const tom = stranger(node, "legacy", {
            email: "tom.becker@example.com",
            capabilities: ["QUICK", "LIST", "TIME", "AUTH", "FORM"]
          })
          const ref = yield* inNode(node, findCustomerByEmail("tom.becker@example.com"))
          yield* tom.say("I lost my card and need a replacement")
          const [, , request] = yield* expectKinds(tom, ["text", "text", "authenticate"])
          const oauth2 = interactiveOf(request!).data?.authenticate?.oauth2
          assert.isDefined(oauth2?.responseEncryptionKey)
          assert.isUndefined(oauth2?.redirectURI)
          const exchanges = node.idp.tokenRequests.length
          yield* SimReplies.authenticate(node.sim.state, tom, request!)
          const [thanks, intro] = yield* expectKinds(tom, ["text", "text", "listPicker"])
          assert.strictEqual(bodyOf(thanks!), "Thanks, Tom: you're signed in.")
          assert.strictEqual(bodyOf(intro!), "I can help you replace a card.")
          assert.strictEqual(node.idp.tokenRequests.length, exchanges)
          const [identity] = yield* identityRow(node, tom.id)
          assert.strictEqual(identity?.linkedBy, "authentication")
          assert.deepStrictEqual(
            { contactId: identity?.contactId, consumerId: identity?.consumerId },
            customerColumns(ref!)
          )
          assert.deepStrictEqual(node.sim.violations(), [])
        }),
      perTest
    )

    it.effect(
      "an e-mail the provider has not verified links nobody; the code may also arrive by GET",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const email = "tom.becker@example.com"
          const impostor = stranger(node, "unverified", { email })
          yield* impostor.say("I lost my card and need a replacement")
          const [, , request] = yield* expectKinds(impostor, ["text", "text", "authenticate"])
          node.idp.setEmailVerified(email, false)
          yield* Effect.addFinalizer(() => Effect.sync(() => node.idp.setEmailVerified(email, true)))
          yield* SimReplies.authenticate(node.sim.state, impostor, request!, true, "GET")
          assert.match(bodyOf(yield* next(impostor)), /^I couldn't sign you in/)
          assert.deepStrictEqual(yield* identityRow(node, impostor.id), [])
          const [interaction] = yield* interactionsOf(node, impostor.id)
          const lines = yield* transcriptOf(node, interaction?.id ?? "")
          const failure = lines.find((l) => l.kind === "signInFailed")
          assert.match(String((failure?.body as { reason?: unknown } | undefined)?.reason), /not verified/)
          assert.deepStrictEqual(node.sim.violations(), [])
        }).pipe(Effect.scoped),
      perTest
    )

    it.effect(
      "a sign-in completed after the customer asked for a person links them without the bot talking over the hand-off",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const maria = stranger(node, "maria", { email: "maria.garcia@example.com" })
          yield* maria.say("I lost my card")
          const [, , request] = yield* expectKinds(maria, ["text", "text", "authenticate"])
          // A person is always reachable, sign-in or not: the chat leaves the bot.
          yield* maria.say("agent")
          const handOff = yield* nextText(maria)
          yield* SimReplies.authenticate(node.sim.state, maria, request!)
          const [identity] = yield* eventually(identityRow(node, maria.id), (rows) => rows.length > 0)
          assert.strictEqual(identity?.linkedBy, "authentication")
          // The turn that linked her has committed: whatever the bot said in it is in the transcript.
          const [interaction] = yield* interactionsOf(node, maria.id)
          const said = (yield* transcriptOf(node, interaction!.id)).map((line) => JSON.stringify(line.body))
          assert.isTrue(
            said.some((line) => line.includes(JSON.stringify(handOff))),
            "the hand-off line is in the transcript"
          )
          assert.isFalse(
            said.some((line) => line.includes("signed in")),
            "the bot said nothing of the sign-in"
          )
          assert.strictEqual(
            interaction?.consumerId ?? interaction?.contactId ?? null,
            identity?.consumerId ?? identity?.contactId ?? null
          )
        }),
      perTest
    )

    it.effect(
      "without AUTH/AUTH2 a customer continues as a guest: knowledge works, nobody's cards are offered",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const guest = stranger(node, "guest", { capabilities: ["QUICK", "LIST", "TIME", "FORM"] })
          yield* guest.say("What are my home refinance options?")
          assert.strictEqual(yield* nextText(guest), "Hi! I'm Parley's virtual assistant.")
          assert.match(yield* nextText(guest), /^Here is what I found:/)
          let r = yield* next(guest)
          let links = 0
          while (r.message.type === "richLink") {
            links++
            r = yield* next(guest)
          }
          assert.isAtLeast(links, 2)
          yield* guest.say("I need a replacement card")
          const [why, offer] = yield* expectKinds(guest, ["text", "quick-reply"])
          assert.strictEqual(
            bodyOf(why!),
            `To help with "Replace a card" I need to know who you are, and a live agent can check that.`
          )
          assert.strictEqual(
            interactiveOf(offer!).data?.["quick-reply"]?.summaryText,
            "Would you like to chat with a live agent?"
          )
          const sentFeatures = guest.received.flatMap((x) => Object.keys(x.interactive?.data ?? {}))
          assert.notInclude(sentFeatures, "listPicker")
          assert.notInclude(sentFeatures, "authenticate")

          assert.deepStrictEqual(yield* identityRow(node, guest.id), [])
          const [interaction] = yield* interactionsOf(node, guest.id)
          assert.deepStrictEqual([interaction?.contactId, interaction?.consumerId], [null, null])
          assert.deepStrictEqual(node.sim.violations(), [])
        }),
      perTest
    )

    it.effect(
      "a device without LIST/FORM/TIME/QUICK replaces a card through text fallbacks",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const { device: raj, customer } = yield* deviceOf(node, "raj.patel@example.com", { capabilities: [] })
          const cards = yield* inNode(node, assetsOf(customer))
          yield* raj.say("I need to replace my card")
          assert.strictEqual(yield* nextText(raj), "Hi Raj!")
          assert.strictEqual(yield* nextText(raj), "I can help you replace a card.")
          assert.strictEqual(
            yield* nextText(raj),
            `Which card would you like to replace?\n${cards.map((c, i) => `${i + 1}. ${c.productName}`).join("\n")}\nReply with the number of your choice.`
          )
          yield* raj.say("1")
          assert.strictEqual(
            yield* nextText(raj),
            `Replacement details: a few quick questions (say "back" to change an answer).`
          )
          assert.strictEqual(
            yield* nextText(raj),
            "Why do you need a replacement?\n1. Lost\n2. Stolen\n3. Damaged\nReply with a number or a word."
          )
          yield* raj.say("2")
          assert.strictEqual(yield* nextText(raj), `When did it happen? (YYYY-MM-DD, or "skip")`)
          yield* raj.say("2026-03-01")
          assert.match(yield* nextText(raj), /^Delivery address: 88 Hudson Street, Floor 3, New York.*\nReply "ok"/)
          yield* raj.say("ok")
          assert.match(yield* nextText(raj), /^Phone number: \+1 212 555 0187\nReply "ok"/)
          yield* raj.say("ok")
          const slots = yield* nextText(raj)
          assert.match(slots, /^Choose a delivery slot\n1\. .* UTC \(120 min\)\n2\. /)
          yield* raj.say("2")
          const confirmation = yield* nextText(raj)
          assert.include(confirmation, `Your replacement ${cards[0]!.productName} ${cards[0]!.maskedNumber} is ordered`)
          assert.include(confirmation, "3–5 business days")
          assert.strictEqual(yield* nextText(raj), "Is there anything else I can help you with?\n1. Yes\n2. No, thanks")
          assert.isTrue(raj.received.every((x) => x.message.type === "text"))

          const [interaction] = yield* interactionsOf(node, raj.id)
          const [order] = yield* inNode(node, replacementOrdersOfInteraction(interaction!.id))
          assert.deepStrictEqual(
            [order?.assetId, order?.reason, order?.dateLost, order?.phone],
            [cards[0]!.id, "stolen", "2026-03-01", "+1 212 555 0187"]
          )
          assert.include(order?.deliveryAddress ?? "", "88 Hudson Street")
          assert.isNotNull(order?.deliverySlotStart)
          assert.lengthOf(yield* inNode(node, casesOfInteraction(interaction!.id)), 1)

          const lines = yield* transcriptOf(node, interaction!.id)
          const substituted = lines.flatMap((l) => {
            const s = (l.body as { substitution?: { original?: string; feature?: string } }).substitution
            return l.kind === "substitution"
              ? [`note:${String(l.body.feature)}`]
              : s !== undefined
                ? [`${s.original}`]
                : []
          })
          assert.deepStrictEqual(substituted, ["listPicker", "note:dynamic", "timePicker", "quickReply"])
          assert.isTrue(
            lines.filter((l) => l.direction === "out" && l.authorKind === "bot").every((l) => l.kind === "text")
          )
          assert.deepStrictEqual(node.sim.violations(), [])
        }),
      perTest
    )
  }
)
