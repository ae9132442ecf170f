import { randomUUID } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, type Scope } from "effect"
import { SignJWT } from "jose"
import { MemoryInbox } from "../../http/apple/AppleInbox.ts"
import * as AppleWebhook from "../../http/apple/AppleWebhook.ts"
import { encrypt } from "../../sim/SimCrypto.ts"
import * as Simulator from "../../sim/Simulator.ts"
import { APPLE_BID } from "../../sim/SimWire.ts"
import { makeIdentity, webhookLayer } from "../apple/support.ts"

const identity = makeIdentity()
const business = identity.businessIds[0]!

/** As Apple's jwt_util.py: header `{alg: HS256}` only, claims `{iss, iat}`. */
const sampleToken = () =>
  new SignJWT({ iss: identity.mspId, iat: Math.floor(Date.now() / 1000) })
    .setProtectedHeader({ alg: "HS256" })
    .sign(new Uint8Array(Buffer.from(identity.secretText, "base64")))

const withSim = <A, E>(body: (sim: Simulator.Simulator) => Effect.Effect<A, E, MemoryInbox | Scope.Scope>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const app = yield* AppleWebhook.make
      const sim = yield* Simulator.make({
        ...identity,
        secret: identity.secretText,
        mspFetch: async (request) => app.request(request),
        resendDelayMs: 10
      })
      return yield* body(sim)
    }).pipe(Effect.provide(webhookLayer(identity)))
  )

/** The request each sample makes: `requests.post("%s/message", json=payload, headers=headers)`. */
const send = (sim: Simulator.Simulator, to: string, fields: Record<string, unknown>, extra = {}, path = "message") =>
  Effect.promise(async () => {
    const id = randomUUID()
    const response = await fetch(`${sim.url}/${path}`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${await sampleToken()}`,
        id,
        "Source-Id": business,
        "Destination-Id": to,
        ...extra
      },
      body: JSON.stringify({ v: 1, id, sourceId: business, destinationId: to, ...fields })
    })
    return { status: response.status, text: await response.text() }
  })

const image = Buffer.alloc(12_000, 7).toString("base64")
const listPicker = (images: ReadonlyArray<string>) => ({
  bid: APPLE_BID,
  data: {
    images: images.map((identifier) => ({ data: image, identifier })),
    listPicker: {
      sections: [
        {
          items: [
            {
              identifier: "1",
              imageIdentifier: images[0],
              order: 0,
              style: "default",
              subtitle: "Red and delicious",
              title: "Apple"
            }
          ],
          order: 0,
          title: "Fruit",
          multipleSelection: true
        }
      ]
    },
    mspVersion: "1.0",
    requestIdentifier: randomUUID()
  },
  receivedMessage: {
    imageIdentifier: images[0],
    style: "small",
    subtitle: "Farm fresh to you",
    title: "Select Produce"
  },
  replyMessage: { style: "small", title: "Selected Produce", subtitle: "Selected Produce" }
})

const timePicker = (timezoneOffset?: number) => ({
  bid: APPLE_BID,
  data: {
    mspVersion: "1.0",
    requestIdentifier: randomUUID(),
    event: {
      ...(timezoneOffset !== undefined ? { timezoneOffset } : {}),
      identifier: "1",
      title: "",
      timeslots: [{ duration: 3600, startTime: "2022-07-10T17:00+0000", identifier: "0" }]
    }
  },
  receivedMessage: { style: "icon", title: "Please pick a time", subtitle: "This should be 10:00am" },
  replyMessage: { style: "icon", title: "Thank you!" }
})

const payment = {
  receivedMessage: { style: "icon", title: "Payment Title", subtitle: "Payment Subtitle" },
  bid: APPLE_BID,
  data: {
    requestIdentifier: randomUUID(),
    mspVersion: "1.0",
    payment: {
      paymentRequest: {
        lineItems: [{ label: "Item 1", amount: "10.00", type: "final" }],
        total: { label: "Your Total", amount: "10.00", type: "final" },
        applePay: {
          merchantIdentifier: "merchant.example",
          supportedNetworks: ["amex", "visa", "discover", "masterCard"],
          merchantCapabilities: ["supportsDebit", "supportsCredit", "supportsEMV", "supports3DS"]
        },
        merchantName: "Example",
        countryCode: "US",
        currencyCode: "USD",
        requiredBillingContactFields: [],
        requiredShippingContactFields: []
      },
      merchantSession: { epochTimestamp: 1, merchantSessionIdentifier: "x", signature: "y" },
      endpoints: { paymentGatewayUrl: "https://pay.example/paymentGateway" }
    }
  }
}

describe("the simulator takes every request Apple's published samples make", () => {
  it.live(
    "03 text, 04 attachment, 06–09 list pickers and the dataRef, 10–11 time pickers, 14 Apple Pay, 18 AUTH2, 22 iMessage app, 23 quick reply",
    () =>
      withSim((sim) =>
        Effect.gen(function* () {
          const to = sim.customers.add().id
          const ok = (label: string, result: { readonly status: number; readonly text: string }) =>
            assert.strictEqual(result.status, 200, `${label}: ${result.text}`)

          ok("03", yield* send(sim, to, { type: "text", body: "Greetings from your MSP!", locale: "en_US" }))

          // 04: encrypt, preUpload with MMCS-Size, upload, then a text with U+FFFC and the reference.
          const file = encrypt(Buffer.from("a picture"))
          const pre = yield* Effect.promise(
            async (): Promise<Record<string, string>> =>
              (
                await fetch(`${sim.url}/preUpload`, {
                  headers: {
                    Authorization: `Bearer ${await sampleToken()}`,
                    "Source-Id": business,
                    "MMCS-Size": String(file.ciphertext.length)
                  }
                })
              ).json() as Promise<Record<string, string>>
          )
          const uploaded = yield* Effect.promise(
            async (): Promise<{ singleFile: { fileChecksum: string } }> =>
              (
                await fetch(pre["upload-url"] ?? "", {
                  method: "POST",
                  headers: { "content-length": String(file.ciphertext.length) },
                  body: file.ciphertext
                })
              ).json() as Promise<{ singleFile: { fileChecksum: string } }>
          )
          ok(
            "04",
            yield* send(sim, to, {
              type: "text",
              body: "Here's the attachment: \uFFFC",
              attachments: [
                {
                  name: "image_filename.png",
                  mimeType: "image/png",
                  size: String(file.ciphertext.length),
                  "signature-base64": uploaded.singleFile.fileChecksum,
                  url: pre["mmcs-url"],
                  owner: pre["mmcs-owner"],
                  key: file.key
                }
              ]
            })
          )

          ok(
            "07 (over 10 KB, no include-data-ref)",
            yield* send(sim, to, { type: "interactive", interactiveData: listPicker(["0"]) })
          )
          const withRef = yield* send(
            sim,
            to,
            { type: "interactive", interactiveData: listPicker(["<imageIdentifier 0>"]) },
            { "include-data-ref": "true" }
          )
          ok("08", withRef)
          const dataRef = (JSON.parse(withRef.text) as { dataRef: Record<string, unknown> }).dataRef
          assert.deepStrictEqual(Object.keys(dataRef).sort(), [
            "bid",
            "dataRefSig",
            "owner",
            "signature",
            "signature-base64",
            "size",
            "title",
            "url"
          ])
          ok("09", yield* send(sim, to, { type: "interactive", interactiveDataRef: dataRef }))
          assert.strictEqual(customer(sim, to).received.at(-1)?.interactive?.receivedMessage?.title, "Select Produce")

          ok("10", yield* send(sim, to, { type: "interactive", interactiveData: timePicker() }))
          ok("11", yield* send(sim, to, { type: "interactive", interactiveData: timePicker(-420) }))
          ok("14", yield* send(sim, to, { type: "interactive", interactiveData: payment }))
          ok(
            "18",
            yield* send(
              sim,
              to,
              {
                type: "interactive",
                interactiveData: {
                  data: {
                    version: "1.0",
                    requestIdentifier: randomUUID(),
                    authenticate: {
                      oauth2: {
                        responseType: "code",
                        scope: ["openid", "email", "profile"],
                        state: "bm9uY2U=",
                        redirectURI: "https://msp.example/callback"
                      }
                    },
                    images: []
                  },
                  bid: APPLE_BID,
                  receivedMessage: { title: "Sign In to LinkedIn" },
                  replyMessage: { title: "You Signed In" }
                }
              },
              {},
              "authenticate"
            )
          )
          ok(
            "22",
            yield* send(sim, to, {
              type: "interactive",
              interactiveData: {
                appId: 123456789,
                appName: "Package Delivery",
                bid: "com.apple.messages.MSMessageExtensionBalloonPlugin:TEAMID:com.example.PackageDelivery.MessagesExtension",
                URL: "?name=samplepackage&deliveryDate=27-01-2017",
                receivedMessage: { title: "Package Delivery", subtitle: "Location of Package" },
                useLiveLayout: true
              },
              attachments: []
            })
          )
          ok(
            "23",
            yield* send(sim, to, {
              type: "interactive",
              interactiveData: {
                bid: APPLE_BID,
                data: {
                  "quick-reply": {
                    summaryText: " What can I help you with?",
                    items: [
                      { identifier: "1", title: "Watch our video" },
                      { identifier: "2", title: "Ask for office hours" },
                      { identifier: "3", title: "Find more about pet adoption" },
                      { identifier: "4", title: "Talk to an agent" }
                    ]
                  },
                  version: "1.0",
                  requestIdentifier: randomUUID()
                }
              }
            })
          )
          assert.deepStrictEqual(sim.violations(), [])
        })
      )
  )

  it.live("each device shows what it can: a Mac takes a list picker but no form, a Watch no attachment", () =>
    withSim((sim) =>
      Effect.gen(function* () {
        const mac = sim.customers.add({ device: "mac" })
        assert.strictEqual(mac.deviceAgent, "Mac OS X")
        assert.notInclude(mac.capabilities, "FORM")
        assert.strictEqual(
          (yield* send(sim, mac.id, { type: "interactive", interactiveData: timePicker() })).status,
          200
        )
        const form = {
          bid: APPLE_BID,
          data: {
            version: "1.0",
            requestIdentifier: randomUUID(),
            dynamic: {
              version: "1.1",
              template: "messageForms",
              data: {
                startPageIdentifier: "p1",
                pages: [{ pageIdentifier: "p1", type: "input", title: "Name", submitForm: true }]
              }
            }
          },
          receivedMessage: { title: "A few questions" }
        }
        assert.strictEqual((yield* send(sim, mac.id, { type: "interactive", interactiveData: form })).status, 400)
        const iphone = sim.customers.add({ device: "iphone" })
        assert.strictEqual((yield* send(sim, iphone.id, { type: "interactive", interactiveData: form })).status, 200)
        assert.deepStrictEqual(
          sim.violations().map((v) => [v.rule, v.detail]),
          [["capability", "customer's device lacks FORM"]]
        )
      })
    )
  )

  it.live("a webhook answered 503 is sent again with the same id, and the MSP stores it once", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const app = yield* AppleWebhook.make
        let calls = 0
        const sim = yield* Simulator.make({
          ...identity,
          secret: identity.secretText,
          resendDelayMs: 10,
          // The first delivery reaches the MSP and is stored, but its 200 is lost: Apple sees a 503.
          mspFetch: async (request) => {
            calls++
            const answer = await app.request(request)
            return calls === 1 ? new Response("busy", { status: 503 }) : answer
          }
        })
        const customer = sim.customers.add()
        const id = yield* customer.send({ type: "text", body: "Hello?" })
        const inbox = yield* MemoryInbox
        const stored = yield* inbox.envelopes
        assert.deepStrictEqual(
          stored.map((e) => e.messageId),
          [id]
        )
        assert.deepStrictEqual(customer.attempts, [
          { id, status: 503 },
          { id, status: 200 }
        ])
      })
    ).pipe(Effect.provide(webhookLayer(identity)))
  )
})

const customer = (sim: Simulator.Simulator, id: string) => {
  const found = sim.customers.get(id)
  if (found === undefined) throw new Error(`no customer ${id}`)
  return found
}
