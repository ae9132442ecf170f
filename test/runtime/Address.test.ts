import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { actorIdOfSubject, decodeToken, encodeToken, fnv1a32, names, partitionOf } from "../../runtime/Address.ts"
import { Bus } from "../../runtime/Bus.ts"
import * as NatsBus from "../../runtime/NatsBus.ts"
import { removeOnClose } from "../support/NatsCleanup.ts"
import { natsUrl, uniquePrefix } from "../support/TestEnv.ts"

const awkward = [
  "urn:mbid:AQAAY4Rt+uG/lL8mH2zS9Qw3Xc=",
  "urn:mbid:AQAAY-demo-jane",
  "a.b.c",
  "star*",
  "tail>",
  "with space",
  "tab\tand\nnewline",
  "",
  "%41",
  "ünïcödé ✓"
]

describe("addresses", () => {
  it("encodes any id to one reversible subject token", () => {
    for (const id of awkward) {
      const token = encodeToken(id)
      assert.match(token, /^[A-Za-z0-9_%-]+$/, `token of ${JSON.stringify(id)}`)
      assert.strictEqual(decodeToken(token), id)
    }
    assert.strictEqual(encodeToken("urn:mbid:AB="), "urn%3Ambid%3AAB%3D")
  })

  it("partitions with FNV-1a 32 like nats-server's partition()", () => {
    // Reference values of FNV-1a 32 (offset 2166136261, prime 16777619).
    assert.strictEqual(fnv1a32(""), 0x811c9dc5)
    assert.strictEqual(fnv1a32("a"), 0xe40c292c)
    assert.strictEqual(fnv1a32("foobar"), 0xbf9cf968)
    for (const id of awkward) {
      const p = partitionOf(id, 64)
      assert.isAtLeast(p, 0)
      assert.isBelow(p, 64)
      assert.strictEqual(partitionOf(id, 64), p)
    }
  })

  it("reads the actor id back from its subject", () => {
    const n = names("parley")
    for (const id of awkward) assert.strictEqual(actorIdOfSubject(n.actorSubject("conv", 7, id)), id)
  })

  it.scopedLive("every awkward id is a valid subject on a real NATS stream and reaches its partition", () =>
    Effect.gen(function* () {
      const prefix = uniquePrefix("addr")
      yield* removeOnClose(prefix)
      const bus = yield* Bus
      const n = names(prefix)
      yield* bus.ensureStream({
        name: n.stream("conv"),
        subjects: [n.streamSubjects("conv")],
        retention: "workqueue",
        replicas: 1,
        maxBytes: 1024 * 1024,
        maxMsgs: 1000,
        duplicateWindow: "1 minute"
      })
      for (const id of awkward) {
        const p = partitionOf(id, 4)
        const consumer = `addr-${p}`
        yield* bus.ensureConsumer({
          stream: n.stream("conv"),
          name: consumer,
          filterSubject: n.partitionFilter("conv", p),
          ackWait: "5 seconds",
          maxAckPending: 10
        })
        yield* bus.publishDurable(n.actorSubject("conv", p, id), new TextEncoder().encode(id))
        const [delivery] = yield* bus.consume(n.stream("conv"), consumer, { batch: 1 }).pipe(
          Stream.take(1),
          Stream.runCollect,
          Effect.map((c) => [...c])
        )
        assert.strictEqual(delivery === undefined ? undefined : actorIdOfSubject(delivery.subject), id)
        yield* delivery === undefined ? Effect.void : delivery.ack
        yield* bus.deleteConsumer(n.stream("conv"), consumer)
      }
    }).pipe(Effect.provide(NatsBus.layer({ servers: [natsUrl()], name: "address-test" })))
  )
})
