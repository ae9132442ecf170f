import { randomBytes, randomUUID } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { AppleClient } from "../../apple/AppleClient.ts"
import { decryptAuthToken, generateAuthKeyPair } from "../../apple/AppleCrypto.ts"
import { signOutbound } from "../../apple/AppleJwt.ts"
import * as Authentication from "../../apple/Authentication.ts"
import * as Form from "../../apple/Form.ts"
import { fromInteractiveData } from "../../apple/InteractiveReply.ts"
import * as ListPicker from "../../apple/ListPicker.ts"
import { interactive, text } from "../../apple/OutboundMessage.ts"
import * as QuickReply from "../../apple/QuickReply.ts"
import * as TimePicker from "../../apple/TimePicker.ts"
import { MemoryInbox } from "../../http/apple/AppleInbox.ts"
import * as SimIdp from "../../sim/SimIdp.ts"
import * as SimReplies from "../../sim/SimReplies.ts"
import type * as Simulator from "../../sim/Simulator.ts"
import { makeIdentity } from "../apple/support.ts"
import { lastEnvelope, replyOf, stackOf } from "./support.ts"

const identity = makeIdentity()
const business = identity.businessIds[0]!

const withStack = stackOf(identity)

describe("Simulator customers → MSP", () => {
  it.live("typing_start then text, tapbacks, attachments and close reach the inbox", () =>
    withStack((sim) =>
      Effect.gen(function* () {
        const customer = sim.customers.add({ intent: "card", group: "support", locale: "en_US" })
        yield* customer.say("I need a replacement card")
        const inbox = yield* MemoryInbox
        const [typing, said] = yield* inbox.envelopes
        assert.deepStrictEqual(
          [typing?.message.type, said?.message.type, said?.intent],
          ["typing_start", "text", "card"]
        )
        yield* customer.tapback({ reaction: "loved", target: "Your card is on its way." })
        assert.deepStrictEqual((yield* lastEnvelope).tapback, { reaction: "loved", target: "Your card is on its way." })
        const photo = randomBytes(5000)
        yield* customer.sendAttachment({ name: "photo.jpg", mimeType: "image/jpg", data: photo })
        const withFile = yield* lastEnvelope
        const attachment = withFile.message.type === "text" ? withFile.message.attachments?.[0] : undefined
        const client = yield* AppleClient
        const bytes = yield* client.downloadAttachment(business, attachment!)
        assert.isTrue(Buffer.from(bytes).equals(photo))
        yield* customer.close()
        assert.strictEqual((yield* lastEnvelope).message.type, "close")
        assert.deepStrictEqual(sim.violations(), [])
      })
    )
  )

  it.live("replies to list picker (by reference), time picker, quick reply and form decode", () =>
    withStack((sim) =>
      Effect.gen(function* () {
        const client = yield* AppleClient
        const customer = sim.customers.add()
        const to = { businessId: business, customerId: customer.id }
        const images = [{ identifier: "big", data: randomBytes(12_000) }]
        yield* client.send(
          to,
          interactive(
            ListPicker.make({
              title: "Cards",
              images,
              sections: [
                {
                  items: [
                    { identifier: "c1", title: "Visa", imageIdentifier: "big" },
                    { identifier: "c2", title: "Amex" }
                  ]
                }
              ]
            })
          ),
          { autoReply: true, includeDataRef: true }
        )
        yield* SimReplies.pickFromList(customer, yield* customer.next(), ["c2"])
        const byRef = yield* lastEnvelope
        assert.isTrue(byRef.message.type === "interactive" && byRef.message.interactiveDataRef !== undefined)
        const ref = byRef.message.type === "interactive" ? byRef.message.interactiveDataRef : undefined
        const picked = fromInteractiveData(yield* client.resolveDataRef(business, ref!))
        assert.deepStrictEqual(picked._tag === "ListPickerReply" ? picked.selected : [], [
          { identifier: "c2", title: "Amex" }
        ])

        const slots = [1, 2].map((d) => ({
          identifier: `s${d}`,
          start: new Date(Date.now() + d * 86_400_000),
          durationSeconds: 1800
        }))
        yield* client.send(to, interactive(TimePicker.make({ title: "When?", slots })), { autoReply: true })
        yield* SimReplies.pickTime(customer, yield* customer.next(), "s2")
        const time = replyOf(yield* lastEnvelope)
        assert.strictEqual(time?._tag === "TimePickerReply" ? time.slot?.identifier : undefined, "s2")

        const items = [
          { identifier: "yes", title: "Yes" },
          { identifier: "no", title: "No" }
        ]
        yield* client.send(to, interactive(QuickReply.make({ summaryText: "OK?", items })), { autoReply: true })
        yield* SimReplies.quickReply(customer, yield* customer.next(), "no")
        const quick = replyOf(yield* lastEnvelope)
        assert.deepStrictEqual(quick?._tag === "QuickReplyReply" ? [quick.identifier, quick.index] : [], ["no", 1])

        const form = Form.make({
          title: "Details",
          pages: [
            { pageIdentifier: "why", type: "select", title: "Why?", pageItems: [{ title: "Lost", value: "lost" }] },
            { pageIdentifier: "phone", type: "input", title: "Phone" }
          ]
        })
        yield* client.send(to, interactive(form), { autoReply: true })
        yield* SimReplies.submitForm(customer, yield* customer.next(), { why: "Lost", phone: "+15550100" })
        const submitted = replyOf(yield* lastEnvelope)
        assert.deepStrictEqual(
          submitted?._tag === "FormReply" ? submitted.selections.map((s) => s.items[0]?.value) : [],
          ["lost", "+15550100"]
        )
        assert.deepStrictEqual(sim.violations(), [])
      })
    )
  )

  it.live("legacy AUTH: the token decrypts and the identity provider names the customer", () =>
    withStack((sim) =>
      Effect.gen(function* () {
        const client = yield* AppleClient
        const idp = yield* SimIdp.make({ clientId: "parley-test", clientSecret: "s3cret" })
        sim.state.identityProvider = { authorizeUrl: idp.authorizeUrl, clientId: idp.clientId }
        const customer = sim.customers.add({ capabilities: ["AUTH"], email: "ann@example.com" })
        const keys = generateAuthKeyPair()
        const request = Authentication.make({
          title: "Sign in",
          scope: ["email"],
          responseEncryptionKey: keys.publicKey
        })
        yield* client.send({ businessId: business, customerId: customer.id }, interactive(request), { autoReply: true })
        yield* SimReplies.authenticate(sim.state, customer, yield* customer.next())
        const reply = replyOf(yield* lastEnvelope)
        assert.strictEqual(reply?._tag === "AuthenticationReply" ? reply.status : "", "authenticated")
        const accessToken = yield* decryptAuthToken(
          reply?._tag === "AuthenticationReply" ? reply.token! : "",
          keys.privateKey
        )
        const profile = yield* Effect.promise(() =>
          fetch(idp.userinfoUrl, { headers: { authorization: `Bearer ${accessToken}` } }).then((r) => r.json())
        )
        assert.strictEqual((profile as { email: string }).email, "ann@example.com")
      })
    )
  )
})

describe("Simulator refuses what Apple refuses", () => {
  const post = (sim: Simulator.Simulator, headers: Record<string, string>, body: unknown) =>
    Effect.promise(() =>
      fetch(`${sim.url}/message`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body)
      }).then((r) => r.status)
    )

  it.live("bad JWT, missing headers, URL in plain text, capability, message after close", () =>
    withStack((sim) =>
      Effect.gen(function* () {
        const client = yield* AppleClient
        const customer = sim.customers.add({ capabilities: ["QUICK"] })
        const to = { businessId: business, customerId: customer.id }
        const id = randomUUID()
        const body = { v: 1, id, type: "text", sourceId: business, destinationId: customer.id, body: "hi" }
        const key = new Uint8Array(Buffer.from(identity.secretText))
        const textKeyed = yield* signOutbound(key, identity.mspId, Math.floor(Date.now() / 1000))
        const headers = { id, "source-id": business, "destination-id": customer.id }
        assert.strictEqual(yield* post(sim, headers, body), 401)
        assert.strictEqual(yield* post(sim, { ...headers, authorization: `Bearer ${textKeyed}` }, body), 403)
        const good = `Bearer ${yield* signOutbound(new Uint8Array(Buffer.from(identity.secretText, "base64")), identity.mspId, Math.floor(Date.now() / 1000))}`
        assert.strictEqual(
          yield* post(sim, { authorization: good, "source-id": business, "destination-id": customer.id }, body),
          400
        )
        assert.strictEqual(yield* post(sim, { ...headers, authorization: good }, { ...body, type: "close" }), 400)
        assert.strictEqual(
          yield* post(sim, { ...headers, authorization: good, "destination-id": randomUUID() }, body),
          404
        )

        const url = yield* Effect.flip(client.send(to, text("See https://example.com/help"), { autoReply: true }))
        assert.strictEqual(url._tag, "ApplePermanent")
        const picker = ListPicker.make({ title: "Pick", sections: [{ items: [{ identifier: "a", title: "A" }] }] })
        assert.strictEqual(
          (yield* Effect.flip(client.send(to, interactive(picker), { autoReply: true })))._tag,
          "ApplePermanent"
        )

        yield* customer.close()
        const closed = yield* Effect.flip(client.send(to, text("Still there?"), { autoReply: true }))
        assert.strictEqual(closed._tag, "AppleUnknownDestination")
        yield* customer.say("back again")
        yield* client.send(to, text("Welcome back"), { autoReply: true })
        const rules = sim.violations().map((v) => v.rule)
        assert.deepStrictEqual(rules, [
          "authorization-missing",
          "authorization-invalid",
          "header-missing",
          "schema",
          "unknown-destination",
          "url-in-text",
          "capability",
          "message-after-close"
        ])
        assert.isTrue(Option.isSome(Option.fromNullable(customer.received.find((r) => r.message.type === "text"))))
      })
    )
  )
})
