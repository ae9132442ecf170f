import { randomBytes } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Exit, Fiber, FiberId, Layer, Option } from "effect"
import { AppleClient, layer as clientLayer } from "../../apple/AppleClient.ts"
import * as AppleConfig from "../../apple/AppleConfig.ts"
import { generateAuthKeyPair } from "../../apple/AppleCrypto.ts"
import * as Authentication from "../../apple/Authentication.ts"
import { gate } from "../../apple/CapabilityGate.ts"
import * as ListPicker from "../../apple/ListPicker.ts"
import { interactive, text } from "../../apple/OutboundMessage.ts"
import * as Simulator from "../../sim/Simulator.ts"
import { outboundKinds as kinds } from "./outboundKinds.ts"
import { makeIdentity } from "./support.ts"

const identity = makeIdentity()
const business = identity.businessIds[0]!

/** A simulator plus a client pointed at it. */
const withSim = <A, E>(body: (sim: Simulator.Simulator) => Effect.Effect<A, E, AppleClient>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const sim = yield* Simulator.make({ ...identity, secret: identity.secretText })
      const client = clientLayer.pipe(Layer.provide(AppleConfig.layer({ ...identity, apiBase: sim.url })))
      return yield* body(sim).pipe(Effect.provide(client))
    })
  )

describe("AppleClient through the simulator", () => {
  it.live("sends every outbound kind with zero violations", () =>
    withSim((sim) =>
      Effect.gen(function* () {
        const client = yield* AppleClient
        const customer = sim.customers.add({ capabilities: ["LIST", "TIME", "QUICK", "FORM", "AUTH", "AUTH2"] })
        const to = { businessId: business, customerId: customer.id }
        for (const [name, content] of Object.entries(kinds)) {
          yield* client.send(to, content, { autoReply: name !== "text" })
          const got = yield* customer.next()
          assert.strictEqual(got.message.type, content.type, name)
        }
        const legacy = Authentication.make({
          title: "Sign in",
          scope: ["email"],
          responseEncryptionKey: generateAuthKeyPair().publicKey
        })
        yield* client.send(to, interactive(legacy), { autoReply: true })
        assert.strictEqual(customer.received.length, Object.keys(kinds).length + 1)
        assert.deepStrictEqual([customer.received[0]?.autoReply, customer.received[1]?.autoReply], [false, true])
        assert.strictEqual(customer.received[0]?.mspAgent, "parley")
        assert.deepStrictEqual(sim.violations(), [])
      })
    )
  )

  it.live("attachments: encrypt, pre-upload, upload, send; customer's file: download, decrypt", () =>
    withSim((sim) =>
      Effect.gen(function* () {
        const client = yield* AppleClient
        const customer = sim.customers.add()
        const data = randomBytes(150_000)
        const attachment = yield* client.uploadAttachment(business, {
          name: "card.pdf",
          mimeType: "application/pdf",
          data
        })
        yield* client.send(
          { businessId: business, customerId: customer.id },
          { type: "text", body: "\uFFFC", attachments: [attachment] },
          { autoReply: false }
        )
        assert.strictEqual((yield* customer.next()).message.type, "text")
        const stored = sim.state.blobs.get(attachment.url)
        const back = yield* client.downloadAttachment(business, {
          name: attachment.name,
          mimeType: attachment.mimeType,
          size: Number(attachment.size),
          key: attachment.key,
          url: attachment.url,
          owner: attachment.owner,
          signatureBase64: stored?.checksum ?? ""
        })
        assert.isTrue(Buffer.from(back).equals(data))
        assert.deepStrictEqual(sim.violations(), [])
      })
    )
  )

  it.live("interactive payloads over 10 KB go inline asking for a dataRef, and a resend reuses it", () =>
    withSim((sim) =>
      Effect.gen(function* () {
        const client = yield* AppleClient
        const customer = sim.customers.add()
        const to = { businessId: business, customerId: customer.id }
        const items = Array.from({ length: 200 }, (_, i) => ({
          identifier: `i${i}`,
          title: `Item number ${i} of many`
        }))
        const big = interactive(ListPicker.make({ title: "Many", sections: [{ items }] }))
        const first = yield* client.send(to, big, { autoReply: true })
        const inline = yield* customer.next()
        assert.isTrue(inline.message.type === "interactive" && inline.message.interactiveData !== undefined)
        assert.isDefined(first.dataRef)
        assert.strictEqual(first.dataRef?.title, "Many")
        // Apple's dataRef carries no key: it is only ever sent back as is.
        assert.isUndefined(first.dataRef?.key)

        const again = yield* client.send(to, big, { autoReply: true })
        const byRef = yield* customer.next()
        assert.deepStrictEqual(again.dataRef, first.dataRef)
        assert.isTrue(byRef.message.type === "interactive" && byRef.message.interactiveDataRef !== undefined)
        assert.deepStrictEqual(
          byRef.message.type === "interactive" ? byRef.message.interactiveDataRef : undefined,
          first.dataRef
        )
        assert.strictEqual(byRef.interactive?.data?.listPicker?.sections[0]?.items.length, 200)
        assert.notStrictEqual(byRef.message.id, inline.message.id)
        assert.deepStrictEqual(sim.violations(), [])
      })
    )
  )

  it.live("a reference Apple no longer takes is dropped and the message goes inline again", () =>
    withSim((sim) =>
      Effect.gen(function* () {
        const client = yield* AppleClient
        const customer = sim.customers.add()
        const to = { businessId: business, customerId: customer.id }
        const items = Array.from({ length: 200 }, (_, i) => ({ identifier: `i${i}`, title: `Item ${i} of many` }))
        const big = interactive(ListPicker.make({ title: "Many", sections: [{ items }] }))
        const first = yield* client.send(to, big, { autoReply: true })
        sim.state.blobs.delete(first.dataRef!.url)
        const again = yield* client.send(to, big, { autoReply: true })
        assert.notStrictEqual(again.dataRef?.url, first.dataRef?.url)
        assert.strictEqual(customer.received.length, 2)
        assert.isTrue(
          customer.received.every((r) => r.message.type === "interactive" && "interactiveData" in r.message)
        )
        assert.deepStrictEqual(
          sim.violations().map((v) => v.rule),
          ["data-ref"]
        )
      })
    )
  )

  it.live("errors are classified: retryable 5xx, unknown destination 404, permanent 403", () =>
    withSim((sim) =>
      Effect.gen(function* () {
        const client = yield* AppleClient
        const customer = sim.customers.add()
        const to = { businessId: business, customerId: customer.id }
        sim.failNext("message", 503, 2)
        const first = yield* Effect.flip(client.send(to, text("hi"), { autoReply: true }))
        assert.strictEqual(first._tag, "AppleRetryable")
        sim.setCustomerStatus(customer.id, 404)
        assert.strictEqual(
          (yield* Effect.flip(client.send(to, text("hi"), { autoReply: true })))._tag,
          "AppleRetryable"
        )
        assert.strictEqual(
          (yield* Effect.flip(client.send(to, text("hi"), { autoReply: true })))._tag,
          "AppleUnknownDestination"
        )
        sim.setCustomerStatus(customer.id, undefined)
        const wrongKey = AppleConfig.layer({ ...makeIdentity(), mspId: identity.mspId, apiBase: sim.url })
        const denied = yield* Effect.exit(
          Effect.flatMap(AppleClient, (c) => c.send(to, text("hi"), { autoReply: true })).pipe(
            Effect.provide(clientLayer.pipe(Layer.provide(wrongKey)))
          )
        )
        assert.isTrue(Exit.isFailure(denied))
        assert.strictEqual(sim.violations()[0]?.rule, "authorization-invalid")
      })
    )
  )

  it.effect("the capability gate substitutes text for what the device cannot show", () =>
    Effect.sync(() => {
      const picker = kinds.listPicker
      assert.isTrue(Option.isNone(gate(["LIST"], picker).substitution))
      const gated = gate(["QUICK"], picker)
      assert.strictEqual(gated.content.type, "text")
      assert.deepStrictEqual(
        Option.map(gated.substitution, (s) => s.missing),
        Option.some("LIST")
      )
      assert.include(gated.content.type === "text" ? gated.content.body : "", "1. Visa ••1234")
      assert.strictEqual(Option.getOrThrow(gate(["AUTH"], kinds.auth2).substitution).missing, "AUTH2")
      assert.strictEqual(
        Option.getOrThrow(gate(["FORM"], kinds.form, { deviceAgent: "Mac OS X" }).substitution).missing,
        "IOS_DEVICE"
      )
      assert.isTrue(Option.isNone(gate([], kinds.applePay).substitution))
      assert.isTrue(Option.isNone(gate([], kinds.text).substitution))
    })
  )

  /** A gateway that takes requests and never answers: `arrived` and `dropped` count requests and closed connections. */
  const silentGateway = Effect.acquireRelease(
    Effect.async<{
      readonly url: string
      readonly arrived: Deferred.Deferred<void>
      readonly dropped: Deferred.Deferred<void>
      readonly close: () => void
    }>((resume) => {
      const arrived = Deferred.unsafeMake<void>(FiberId.none)
      const dropped = Deferred.unsafeMake<void>(FiberId.none)
      const server = createServer((request) => {
        Deferred.unsafeDone(arrived, Exit.void)
        request.socket.on("close", () => Deferred.unsafeDone(dropped, Exit.void))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(
          Effect.succeed({
            url: `http://127.0.0.1:${port}/v1`,
            arrived,
            dropped,
            close: () => {
              server.closeAllConnections()
              server.close()
            }
          })
        )
      })
    }),
    (gateway) => Effect.sync(() => gateway.close())
  )

  const clientOf = (apiBase: string, requestTimeout: Duration.Duration) =>
    clientLayer.pipe(Layer.provide(AppleConfig.layer({ ...identity, apiBase, requestTimeout })))
  const sendHi = Effect.flatMap(AppleClient, (c) =>
    c.send({ businessId: business, customerId: "urn:mbid:silent" }, text("hi"), { autoReply: true })
  )

  it.live("a gateway that does not answer: a retryable timeout after the configured time", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const gateway = yield* silentGateway
        const started = Date.now()
        const failure = yield* Effect.flip(sendHi.pipe(Effect.provide(clientOf(gateway.url, Duration.millis(300)))))
        const waited = Date.now() - started
        assert.strictEqual(failure._tag, "AppleRetryable")
        if (failure._tag === "AppleRetryable") assert.strictEqual(failure.reason, "timeout")
        assert.isAtLeast(waited, 250)
        assert.isBelow(waited, 5_000)
      })
    )
  )

  it.live("a call interrupted while it waits for Apple (a partition lost, a node stopping) closes its connection", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const gateway = yield* silentGateway
        const fiber = yield* sendHi.pipe(Effect.provide(clientOf(gateway.url, Duration.minutes(5))), Effect.fork)
        yield* Deferred.await(gateway.arrived)
        yield* Fiber.interrupt(fiber)
        yield* Deferred.await(gateway.dropped).pipe(
          Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => "the call's connection stayed open" })
        )
      })
    )
  )
})
