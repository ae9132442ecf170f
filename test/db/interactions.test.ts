import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { feedbackOf, listFeedback, recordFeedback } from "../../db/queries/feedback.ts"
import {
  assignInteraction,
  closeInteraction,
  findInteraction,
  findInteractionByNumber,
  followUpsOf,
  listInteractions,
  openInteractionOf,
  updateInteraction
} from "../../db/queries/interactions.ts"
import { appendMessage, hasAppleMessage, transcript } from "../../db/queries/messages.ts"
import { formatNumber, nextNumber } from "../../db/queries/numbers.ts"
import { createUser } from "../../db/queries/users.ts"
import { dbLayers, newConsumer, newContact, newInteraction, unique } from "./support.ts"

const numbered = /^(IMS|CS|REQ|RPL)\d{7}$/

for (const [name, dbLayer] of dbLayers()) {
  layer(dbLayer, { timeout: 60_000 })(`interactions, transcript, feedback, numbers (${name})`, (it) => {
    it.effect("hands out increasing, zero-padded numbers per prefix", () =>
      Effect.gen(function* () {
        for (const prefix of ["IMS", "CS", "REQ", "RPL"] as const) {
          const a = yield* nextNumber(prefix)
          const b = yield* nextNumber(prefix)
          assert.match(a, numbered)
          assert.isTrue(a.startsWith(prefix) && b > a, `${a} < ${b}`)
          assert.isAtLeast(Number(a.slice(prefix.length)), 1001)
        }
        assert.strictEqual(formatNumber("IMS", 1001), "IMS0001001")
      })
    )

    it.effect("never hands out the same number twice under concurrency", () =>
      Effect.gen(function* () {
        const numbers = yield* Effect.all(
          Array.from({ length: 20 }, () => nextNumber("CS")),
          { concurrency: 10 }
        )
        assert.strictEqual(new Set(numbers).size, 20)
      })
    )

    it.effect("opens a messaging/apple interaction with an IMS number and the Apple context", () =>
      Effect.gen(function* () {
        const customer = yield* newContact()
        const interaction = yield* newInteraction(customer)
        assert.match(interaction.number, /^IMS\d{7}$/)
        assert.strictEqual(interaction.type, "messaging")
        assert.strictEqual(interaction.subtype, "apple")
        assert.strictEqual(interaction.state, "new")
        assert.deepStrictEqual(interaction.capabilities, ["LIST", "TIME", "FORM", "QUICK"])
        assert.strictEqual((yield* findInteractionByNumber(interaction.number))?.id, interaction.id)
        assert.strictEqual((yield* openInteractionOf(interaction.conversationId))?.id, interaction.id)
      })
    )

    it.effect("assigns, closes (stamping closedAt) and lists by state, assignee and customer", () =>
      Effect.gen(function* () {
        const login = unique("agent")
        const agent = yield* createUser({ login, email: `${login}@example.test`, displayName: "Agent", roles: [] })
        const customer = yield* newConsumer()
        const interaction = yield* newInteraction()
        yield* updateInteraction(interaction.id, { customer, intent: "card", topic: "card_replacement" })
        const assigned = yield* assignInteraction(interaction.id, agent.id)
        assert.strictEqual(assigned?.state, "work_in_progress")
        const mine = yield* listInteractions({ assignedTo: agent.id, states: ["work_in_progress"] })
        assert.deepStrictEqual(
          mine.map((i) => i.id),
          [interaction.id]
        )
        assert.lengthOf(yield* listInteractions({ customer }), 1)
        const closed = yield* closeInteraction(interaction.id, "closed_complete")
        assert.instanceOf(closed?.closedAt, Date)
        assert.isUndefined(yield* openInteractionOf(interaction.conversationId))
        assert.lengthOf(yield* listInteractions({ assignedTo: agent.id, states: ["work_in_progress"] }), 0)
        const recent = yield* listInteractions({ customer, openedFrom: new Date(Date.now() - 60_000) })
        assert.strictEqual(recent[0]?.topic, "card_replacement")
      })
    )

    it.effect("links a follow-up interaction to its parent", () =>
      Effect.gen(function* () {
        const customer = yield* newContact()
        const parent = yield* newInteraction(customer)
        const child = yield* newInteraction(customer, { parentId: parent.id })
        assert.deepStrictEqual(
          (yield* followUpsOf(parent.id)).map((i) => i.id),
          [child.id]
        )
        assert.notStrictEqual(child.number, parent.number)
      })
    )

    it.effect("writes the transcript in order and ignores a redelivered Apple message", () =>
      Effect.gen(function* () {
        const interaction = yield* newInteraction()
        const appleId = unique("apple-msg")
        const first = yield* appendMessage({
          interactionId: interaction.id,
          direction: "in",
          authorKind: "customer",
          kind: "text",
          body: { text: "I need a replacement credit card" },
          appleMessageId: appleId
        })
        assert.isTrue(first.inserted)
        const again = yield* appendMessage({
          interactionId: interaction.id,
          direction: "in",
          authorKind: "customer",
          kind: "text",
          body: { text: "I need a replacement credit card" },
          appleMessageId: appleId
        })
        assert.isFalse(again.inserted)
        assert.strictEqual(again.message?.id, first.message?.id)
        yield* appendMessage({
          interactionId: interaction.id,
          direction: "out",
          authorKind: "bot",
          kind: "listPicker",
          body: { items: [1, 2] }
        })
        const lines = yield* transcript(interaction.id)
        assert.deepStrictEqual(
          lines.map((m) => m.kind),
          ["text", "listPicker"]
        )
        assert.deepStrictEqual(lines[0]?.body, { text: "I need a replacement credit card" })
        assert.lengthOf(yield* transcript(interaction.id, { afterId: first.message?.id ?? 0 }), 1)
        assert.isTrue(yield* hasAppleMessage(appleId))
        assert.isFalse(yield* hasAppleMessage(unique("absent")))
      })
    )

    it.effect("stores one feedback per interaction; answering again replaces it", () =>
      Effect.gen(function* () {
        const interaction = yield* newInteraction()
        yield* recordFeedback({ interactionId: interaction.id, rating: 3 })
        yield* recordFeedback({ interactionId: interaction.id, rating: 5, comment: "Quick and kind" })
        const stored = yield* feedbackOf(interaction.id)
        assert.strictEqual(stored?.rating, 5)
        assert.strictEqual(stored?.comment, "Quick and kind")
        const report = yield* listFeedback({ since: new Date(Date.now() - 60_000), limit: 1000 })
        assert.strictEqual(
          report.find((f) => f.interactionId === interaction.id)?.interactionNumber,
          interaction.number
        )
        const invalid = yield* Effect.flip(recordFeedback({ interactionId: interaction.id, rating: 6 }))
        assert.strictEqual(invalid.code, "23514")
        assert.strictEqual((yield* findInteraction(interaction.id))?.id, interaction.id)
      })
    )
  })
}
