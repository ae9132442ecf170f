import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { assetsOf } from "../../db/queries/assets.ts"
import { feedbackOf } from "../../db/queries/feedback.ts"
import { findQueueByName, findSkillByName } from "../../db/queries/queues.ts"
import { replacementOrdersOfInteraction } from "../../db/queries/replacementOrders.ts"
import { demoPasswordDefault } from "../../db/seed/staff.ts"
import type { Received, SimCustomer } from "../../sim/SimCustomer.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import { agentDesk, leave, presence } from "../ws/support.ts"
import { textBody, untilText } from "./LiveDesk.ts"
import { deviceOf, E2eNode, kindOf, nodeLayer, perTest, stranger } from "./sharedNode.ts"
import { eventually, inNode, interactionsOf, interactiveOf, next, quickItems } from "./support.ts"

const jane = "jane.doe@example.com"
/** Guests whose device cannot sign in: the bot helps them without asking who they are. */
const guestCapabilities = ["QUICK", "LIST", "TIME", "FORM"]

/** Skips to the next message of this kind (`text`, `listPicker`, `quick-reply`, `dynamic`, `event`). */
const untilKind = (customer: SimCustomer, kind: string) =>
  Effect.gen(function* () {
    for (let i = 0; i < 12; i++) {
      const r: Received = yield* next(customer)
      if (kindOf(r) === kind) return r
    }
    return yield* Effect.fail(new Error(`no ${kind} arrived`))
  })

const say = (customer: SimCustomer, text: string, expect: string) =>
  Effect.zipRight(customer.say(text), untilText(customer, expect))

const isoDaysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)

/** Feedback given in text, the way the customer sees the question. */
const rate = (customer: SimCustomer, answer: string) =>
  Effect.gen(function* () {
    yield* say(customer, answer, "Anything you'd like to add?")
    yield* say(customer, "skip", "Goodbye!")
  })

interface TopicRow {
  readonly topic: string
  readonly started: number
  readonly resolvedByBot: number
  readonly handedOff: number
  readonly abandoned: number
  readonly feedbackCount: number
  readonly averageFeedback: number | null
}

const report = (url: string, from: string) =>
  Effect.promise(async () => {
    const login = await fetch(`${url}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "sam.manager", password: demoPasswordDefault })
    })
    const { token } = (await login.json()) as { token: string }
    const answer = await fetch(`${url}/api/reports/virtual-agent?from=${encodeURIComponent(from)}`, {
      headers: { authorization: `Bearer ${token}` }
    })
    return { status: answer.status, body: (await answer.json()) as { topics: ReadonlyArray<TopicRow> } }
  })

layer(nodeLayer("nats"), { timeout: 150_000, excludeTestServices: true })(
  "what the virtual agent understands, records and reports (NATS)",
  (it) => {
    it.scoped(
      "the story's 'I lost my credit card…' then 'agent' lands in the cards queue, and the offer says why",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const skill = yield* inNode(node, findSkillByName("cards"))
          const desk = yield* agentDesk(node, "va-cards", [skill!.id])
          yield* presence(desk.ws, "available")
          const { device } = yield* deviceOf(node, jane)
          yield* device.say("I lost my credit card and need a replacement")
          yield* untilKind(device, "listPicker")
          yield* say(device, "agent", "connecting you with a live agent")

          const offer = yield* desk.ws.nextEvent((e) => e.type === "offer", "an offer")
          assert.strictEqual(offer.body.queue, "cards")
          const context = offer.body.context as { handOff: Record<string, unknown> }
          assert.deepStrictEqual(context.handOff, {
            topic: "card_replacement",
            topicTitle: "Replace a card",
            intent: "request",
            reason: "The customer asked for a live agent"
          })
          const cards = yield* inNode(node, findQueueByName("cards"))
          const [interaction] = yield* interactionsOf(node, device.id)
          assert.deepStrictEqual(
            [interaction?.topic, interaction?.botIntent, interaction?.botOutcome, interaction?.queueId],
            ["card_replacement", "request", "handed_off", cards?.id]
          )
          yield* leave(desk)
        }),
      perTest
    )

    it.effect(
      "typed answers: '5' to the feedback quick reply stores 5, 'five' to its text fallback too; 'the mastercard' picks from the list",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const { device: quick } = yield* deviceOf(node, jane)
          yield* quick.say("thanks, bye")
          const question = yield* untilKind(quick, "quick-reply")
          assert.deepStrictEqual(
            quickItems(question).map((i) => i.identifier),
            ["5", "4", "3", "2", "1"]
          )
          yield* rate(quick, "5")
          const [rated] = yield* interactionsOf(node, quick.id)
          assert.strictEqual((yield* inNode(node, feedbackOf(rated!.id)))?.rating, 5)

          const { device: plain } = yield* deviceOf(node, jane, { capabilities: [] })
          yield* plain.say("thanks, bye")
          const fallback = yield* untilText(plain, "How was your experience today?")
          assert.include(textBody(fallback), "• 5 Excellent")
          assert.notInclude(textBody(fallback), "1. 5 Excellent")
          yield* rate(plain, "five")
          const [ratedInText] = yield* interactionsOf(node, plain.id)
          assert.strictEqual((yield* inNode(node, feedbackOf(ratedInText!.id)))?.rating, 5)

          const { device: lister, customer } = yield* deviceOf(node, jane)
          yield* lister.say("I lost my credit card and need a replacement")
          yield* untilKind(lister, "listPicker")
          yield* lister.say("the mastercard")
          yield* untilKind(lister, "dynamic")
          // Typing instead of filling in the form: it goes on in text.
          yield* say(lister, "it was damaged", "No problem, let's do it here")
          yield* untilText(lister, "When did it happen?")
          yield* say(lister, "skip", "Delivery address")
          yield* say(lister, "ok", "Phone number")
          yield* lister.say("ok")
          yield* pickFirstSlot(lister)
          yield* untilText(lister, "is ordered")
          const [ordered] = yield* interactionsOf(node, lister.id)
          const [order] = yield* inNode(node, replacementOrdersOfInteraction(ordered!.id))
          const cards = yield* inNode(node, assetsOf(customer))
          assert.strictEqual(cards.find((c) => c.id === order?.assetId)?.productName, "Parley Cash Back Mastercard")
          assert.deepStrictEqual([order?.reason, order?.dateLost], ["damaged", null])
        }),
      perTest
    )

    it.effect(
      "a form answered entirely in text: each field checked (date, address, phone), 'back' changes the one before",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          const { device } = yield* deviceOf(node, jane, { capabilities: ["QUICK", "LIST", "TIME"] })
          yield* device.say("I lost my credit card and need a replacement")
          yield* untilKind(device, "listPicker")
          yield* say(device, "the visa", `a few quick questions (say "back" to change an answer)`)
          const reason = yield* untilText(device, "Why do you need a replacement?")
          assert.include(textBody(reason), "1. Lost\n2. Stolen\n3. Damaged")
          yield* say(device, "it was stolen", "When did it happen?")
          yield* say(device, "sometime", "Please give the date like")
          yield* untilText(device, "When did it happen?")
          yield* say(device, "yesterday", "Delivery address: 500 Market Street")
          yield* say(device, "ok", "Phone number: +1 415 555 0142")
          yield* say(device, "back", "Delivery address: 500 Market Street")
          yield* say(device, "my place", "house number and street")
          yield* untilText(device, "Delivery address")
          yield* say(device, "12 Elm Street, Springfield 01101", "Phone number: +1 415 555 0142")
          yield* say(device, "call me maybe", "doesn't look like a phone number")
          yield* untilText(device, "Phone number")
          yield* device.say("+1 415 555 0100")
          yield* pickFirstSlot(device)
          yield* untilText(device, "is ordered")

          const [interaction] = yield* interactionsOf(node, device.id)
          const [order] = yield* inNode(node, replacementOrdersOfInteraction(interaction!.id))
          assert.deepStrictEqual(
            [order?.reason, order?.dateLost, order?.deliveryAddress, order?.phone],
            ["stolen", isoDaysAgo(1), "12 Elm Street, Springfield 01101", "+1 415 555 0100"]
          )
          assert.isNotNull(order?.deliverySlotStart)
          const [after] = yield* interactionsOf(node, device.id)
          assert.deepStrictEqual([after?.topic, after?.botOutcome], ["card_replacement", "resolved"])
        }),
      perTest
    )

    it.effect(
      "the virtual-agent report counts a scripted set of conversations per topic",
      () =>
        Effect.gen(function* () {
          const node = yield* E2eNode
          // From now: the tests before this one ran on the same node, and on a quiet machine their
          // chats opened well under a second ago.
          const from = new Date().toISOString()

          // Two knowledge questions the bot answers, rated 5 and 3.
          const first = stranger(node, "report-a", { capabilities: guestCapabilities })
          yield* first.say("how do I activate my new card")
          yield* untilText(first, "Here is what I found")
          yield* untilKind(first, "quick-reply")
          yield* first.say("no")
          yield* untilKind(first, "quick-reply")
          yield* rate(first, "5")
          const second = stranger(node, "report-b", { capabilities: guestCapabilities })
          yield* second.say("what are current mortgage rates?")
          yield* untilText(second, "Here is what I found")
          yield* untilKind(second, "quick-reply")
          yield* second.say("no")
          yield* untilKind(second, "quick-reply")
          yield* rate(second, "3")
          // A card replacement handed to a person.
          const { device: third } = yield* deviceOf(node, jane)
          yield* third.say("my card was stolen")
          yield* untilKind(third, "listPicker")
          yield* say(third, "agent", "connecting you with a live agent")
          // A case a guest starts and leaves.
          const fourth = stranger(node, "report-d", { capabilities: guestCapabilities })
          yield* say(fourth, "I want to report a problem", "I need to know who you are")
          yield* untilKind(fourth, "quick-reply")
          yield* fourth.close()
          const [left] = yield* eventually(interactionsOf(node, fourth.id), ([i]) => i?.botOutcome === "abandoned")
          assert.strictEqual(left?.botOutcome, "abandoned")

          const expected = {
            card_replacement: { started: 1, resolvedByBot: 0, handedOff: 1, abandoned: 0, feedbackCount: 0 },
            create_case: { started: 1, resolvedByBot: 0, handedOff: 0, abandoned: 1, feedbackCount: 0 },
            knowledge: { started: 2, resolvedByBot: 2, handedOff: 0, abandoned: 0, feedbackCount: 2 }
          }
          const got = yield* eventually(report(node.url, from), (r) => r.body.topics.length === 3)
          assert.strictEqual(got.status, 200)
          const counts = Object.fromEntries(
            got.body.topics.map((t) => [
              t.topic,
              {
                started: t.started,
                resolvedByBot: t.resolvedByBot,
                handedOff: t.handedOff,
                abandoned: t.abandoned,
                feedbackCount: t.feedbackCount
              }
            ])
          )
          assert.deepStrictEqual(counts, expected)
          assert.strictEqual(got.body.topics.find((t) => t.topic === "knowledge")?.averageFeedback, 4)
        }),
      perTest
    )
  }
)

/** Takes the first delivery slot of the time picker that comes next. */
const pickFirstSlot = (customer: SimCustomer) =>
  Effect.gen(function* () {
    const picker = yield* untilKind(customer, "event")
    const slot = interactiveOf(picker).data?.event?.timeslots[0]?.identifier ?? ""
    yield* SimReplies.pickTime(customer, picker, slot)
  })
