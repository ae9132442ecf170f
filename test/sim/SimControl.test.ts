import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { AppleClient } from "../../apple/AppleClient.ts"
import { MemoryInbox } from "../../http/apple/AppleInbox.ts"
import type { WireCustomer, WireDeviceProfile, WireReceived } from "../../sim/SimControlWire.ts"
import type * as Simulator from "../../sim/Simulator.ts"
import { outboundKinds } from "../apple/outboundKinds.ts"
import { makeIdentity } from "../apple/support.ts"
import { lastEnvelope, replyOf, stackOf } from "./support.ts"

const identity = makeIdentity()
const business = identity.businessIds[0]!
const withStack = stackOf(identity)

/** One call to the simulator's control routes (`sim/SimControl.ts`), as the device page makes it. */
const control = (sim: Simulator.Simulator, method: "GET" | "POST", path: string, body?: unknown) =>
  Effect.promise(async () => {
    const response = await fetch(`${sim.origin}/sim/${path}`, {
      method,
      ...(body !== undefined
        ? {
            headers: { "content-type": "application/json" },
            body: typeof body === "string" ? body : JSON.stringify(body)
          }
        : {})
    })
    return { status: response.status, json: (await response.json()) as unknown }
  })

/** A guest on an iPhone who has received one message of every kind the business sends. */
const guestWithEverything = (sim: Simulator.Simulator) =>
  Effect.gen(function* () {
    const opened = yield* control(sim, "POST", "customers", { device: "iphone" })
    assert.strictEqual(opened.status, 201)
    const customer = opened.json as WireCustomer
    const client = yield* AppleClient
    for (const [name, content] of Object.entries(outboundKinds))
      yield* client.send({ businessId: business, customerId: customer.id }, content, { autoReply: name !== "text" })
    const received = yield* control(sim, "GET", `customers/${encodeURIComponent(customer.id)}/received`)
    assert.strictEqual(received.status, 200)
    const byKind = new Map((received.json as ReadonlyArray<WireReceived>).map((r) => [r.kind, r]))
    return { customer, received: received.json as ReadonlyArray<WireReceived>, byKind }
  })

describe("Simulator control routes", () => {
  it.live("open a guest's device and get back every kind the business sent, in full", () =>
    withStack((sim) =>
      Effect.gen(function* () {
        const devices = (yield* control(sim, "GET", "devices")).json as ReadonlyArray<WireDeviceProfile>
        assert.deepStrictEqual(devices.map((d) => d.device).sort(), ["ipad", "iphone", "mac"])
        const { customer, received, byKind } = yield* guestWithEverything(sim)
        assert.includeMembers([...customer.capabilities], ["LIST", "TIME", "QUICK", "FORM", "AUTH2"])
        assert.deepStrictEqual(
          received.map((r) => r.kind),
          [
            "text",
            "typingStart",
            "typingEnd",
            "richLink",
            "listPicker",
            "timePicker",
            "quickReply",
            "form",
            "authenticate",
            "payment",
            "iMessageApp"
          ]
        )
        assert.strictEqual(byKind.get("text")?.body, "Your card is on its way.")
        assert.strictEqual(byKind.get("richLink")?.richLinkData?.url, "https://example.com/refinance")
        const picker = byKind.get("listPicker")?.interactive?.data?.listPicker
        assert.deepStrictEqual(
          picker?.sections.flatMap((s) => s.items.map((i) => i.identifier)),
          ["c1", "c2"]
        )
        assert.strictEqual(byKind.get("listPicker")?.interactive?.data?.images?.[0]?.identifier, "visa")
        assert.strictEqual(byKind.get("timePicker")?.interactive?.data?.event?.timeslots.length, 1)
        assert.deepStrictEqual(
          byKind.get("quickReply")?.interactive?.data?.["quick-reply"]?.items.map((i) => i.identifier),
          ["good", "bad"]
        )
        assert.deepStrictEqual(
          byKind.get("form")?.interactive?.data?.dynamic?.data.pages.map((p) => p.pageIdentifier),
          ["reason", "phone"]
        )
        assert.strictEqual(byKind.get("payment")?.interactive?.data?.payment?.paymentRequest.total.amount, "10.00")
        assert.strictEqual(byKind.get("iMessageApp")?.interactive?.receivedMessage?.title, "Schedule delivery")
        assert.isTrue(received.filter((r) => r.kind !== "text").every((r) => r.autoReply === true))
        assert.deepStrictEqual(sim.violations(), [])
      })
    )
  )

  it.live("every kind of answer crosses the MSP's webhook as Apple's device sends it", () =>
    withStack((sim) =>
      Effect.gen(function* () {
        const { customer, byKind } = yield* guestWithEverything(sim)
        const reply = (kind: string, body: unknown) =>
          control(
            sim,
            "POST",
            `customers/${encodeURIComponent(customer.id)}/messages/${byKind.get(kind as WireReceived["kind"])?.id}/reply`,
            body
          )
        const answered = (kind: string, body: unknown) =>
          Effect.gen(function* () {
            const result = yield* reply(kind, body)
            assert.strictEqual(result.status, 202, `${kind}: ${JSON.stringify(result.json)}`)
            return replyOf(yield* lastEnvelope)
          })

        const picked = yield* answered("listPicker", { kind: "listPicker", identifiers: ["c2"] })
        assert.deepStrictEqual(picked?._tag === "ListPickerReply" ? picked.selected.map((s) => s.identifier) : [], [
          "c2"
        ])
        const slot = byKind.get("timePicker")?.interactive?.data?.event?.timeslots[0]?.identifier ?? ""
        const time = yield* answered("timePicker", { kind: "timePicker", slot })
        assert.strictEqual(time?._tag === "TimePickerReply" ? time.slot?.identifier : undefined, slot)
        const quick = yield* answered("quickReply", { kind: "quickReply", identifier: "bad" })
        assert.strictEqual(quick?._tag === "QuickReplyReply" ? quick.identifier : undefined, "bad")
        const form = yield* answered("form", { kind: "form", answers: { reason: "Stolen", phone: "+15550100" } })
        assert.deepStrictEqual(form?._tag === "FormReply" ? form.selections.map((s) => s.items[0]?.value) : [], [
          "stolen",
          "+15550100"
        ])
        const cancelled = yield* answered("authenticate", { kind: "authenticate", succeed: false })
        assert.strictEqual(cancelled?._tag === "AuthenticationReply" ? cancelled.status : undefined, "failed")
        const paid = yield* answered("payment", { kind: "payment" })
        assert.strictEqual(paid?._tag === "PaymentReply" ? paid.success : undefined, true)
        const fromApp = yield* answered("iMessageApp", {
          kind: "iMessageApp",
          query: { slot: "2" },
          summary: "Tuesday morning"
        })
        assert.include(fromApp?._tag === "AppReply" ? (fromApp.url ?? "") : "", "slot=2")

        const thread = (yield* control(sim, "GET", `customers/${encodeURIComponent(customer.id)}/thread`)).json as {
          readonly entries: ReadonlyArray<{ readonly direction: string; readonly summary?: string }>
        }
        assert.includeMembers(
          thread.entries.flatMap((e) => (e.direction === "out" && e.summary !== undefined ? [e.summary] : [])),
          ["Tuesday morning"]
        )
        assert.deepStrictEqual(sim.violations(), [])
      })
    )
  )

  it.live("bad requests are refused with a reason, never delivered", () =>
    withStack((sim) =>
      Effect.gen(function* () {
        const { customer, byKind } = yield* guestWithEverything(sim)
        const id = encodeURIComponent(customer.id)
        const delivered = Effect.flatMap(MemoryInbox, (inbox) => Effect.map(inbox.envelopes, (all) => all.length))
        const before = yield* delivered
        const refused = (path: string, body: unknown) =>
          Effect.map(control(sim, "POST", path, body), (r) => [r.status, (r.json as { error: string }).error] as const)

        const [unknownStatus] = yield* refused("customers/urn%3Ambid%3Anobody/typing", { typing: true })
        assert.strictEqual(unknownStatus, 404)
        const [badDevice, badDeviceReason] = yield* refused("customers", { device: "android" })
        assert.strictEqual(badDevice, 400)
        assert.include(badDeviceReason, "device")
        const [noText, noTextReason] = yield* refused(`customers/${id}/say`, "not json")
        assert.strictEqual(noText, 400)
        assert.include(noTextReason, "text")
        const [noMessage] = yield* refused(`customers/${id}/messages/no-such-id/reply`, {
          kind: "quickReply",
          identifier: "good"
        })
        assert.strictEqual(noMessage, 404)
        const quick = `customers/${id}/messages/${byKind.get("quickReply")?.id}/reply`
        const [notOffered, notOfferedReason] = yield* refused(quick, { kind: "quickReply", identifier: "maybe" })
        assert.strictEqual(notOffered, 400)
        assert.include(notOfferedReason, "maybe")
        const [wrongKind] = yield* refused(quick, { kind: "listPicker", identifiers: ["good"] })
        assert.strictEqual(wrongKind, 400)
        // Nothing above reached the MSP.
        assert.strictEqual(yield* delivered, before)

        assert.strictEqual((yield* refused(quick, { kind: "quickReply", identifier: "good" }))[0], 202)
        const [again, againReason] = yield* refused(quick, { kind: "quickReply", identifier: "bad" })
        assert.strictEqual(again, 409)
        assert.include(againReason, "already answered")
      })
    )
  )
})
