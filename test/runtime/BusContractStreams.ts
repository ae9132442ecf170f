import { assert } from "@effect/vitest"
import { Effect, Queue } from "effect"
import type { ContractTest } from "./BusContractSupport.ts"
import { bytes, pull, takeN, text } from "./BusContractSupport.ts"

export const streamTests = (test: ContractTest): void => {
  test("ensureStream and ensureConsumer are idempotent", ({ bus, stream, consumer }) =>
    Effect.gen(function* () {
      const spec = yield* stream()
      yield* bus.ensureStream(spec)
      const c = yield* consumer(spec)
      yield* bus.ensureConsumer(c)
    }))

  test("consumerNames names a stream's durable consumers", ({ bus, stream, consumer, prefix: p }) =>
    Effect.gen(function* () {
      const spec = yield* stream()
      assert.deepStrictEqual(yield* bus.consumerNames(spec.name), [])
      yield* consumer(spec, { name: "part1-e4", filterSubject: `${p}.1.*` })
      yield* consumer(spec, { name: "part2-e9", filterSubject: `${p}.2.*` })
      assert.deepStrictEqual([...(yield* bus.consumerNames(spec.name))].sort(), ["part1-e4", "part2-e9"])
      yield* bus.deleteConsumer(spec.name, "part1-e4")
      assert.deepStrictEqual(yield* bus.consumerNames(spec.name), ["part2-e9"])
    }))

  test("streamState counts what a stream holds; an acknowledged message leaves a workqueue stream", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      assert.deepStrictEqual(yield* bus.streamState(spec.name), { messages: 0, bytes: 0 })
      yield* bus.publishDurable(`${p}.1.a`, bytes("m1"))
      yield* bus.publishDurable(`${p}.2.a`, bytes("m2"))
      const held = yield* bus.streamState(spec.name)
      assert.strictEqual(held.messages, 2)
      assert.isAbove(held.bytes, 0)
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec))
      const [first] = yield* takeN(deliveries, 1)
      yield* first!.ack
      assert.strictEqual((yield* bus.streamState(spec.name)).messages, 1)
      assert.strictEqual((yield* Effect.flip(bus.streamState(`${spec.name}_NONE`)))._tag, "BusError")
    }))

  test("ensureStream on an existing stream applies the new limits and keeps the messages", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream({ maxMsgs: 1 })
      const first = yield* bus.publishDurable(`${p}.1.a`, bytes("m1"))
      assert.include((yield* Effect.flip(bus.publishDurable(`${p}.1.a`, bytes("m2")))).message, "stream full")
      yield* bus.ensureStream({ ...spec, maxMsgs: 5 })
      const second = yield* bus.publishDurable(`${p}.1.a`, bytes("m2"))
      assert.isAbove(second.seq, first.seq)
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec))
      assert.deepStrictEqual(
        (yield* takeN(deliveries, 2)).map((d) => d.seq),
        [first.seq, second.seq]
      )
    }))

  test("deliveries carry the published headers; a core publish to a stream subject is stored too", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      yield* bus.publishDurable(`${p}.1.a`, bytes("durable"), { msgId: "id-1", headers: { "x-tenant": "acme" } })
      yield* bus.publish(`${p}.1.a`, bytes("core"), { "x-tenant": "globex" })
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec))
      const [durable, core] = yield* takeN(deliveries, 2)
      assert.deepStrictEqual([text(durable!.data), durable!.headers["x-tenant"]], ["durable", "acme"])
      assert.strictEqual(durable!.headers["Nats-Msg-Id"], "id-1")
      assert.deepStrictEqual([text(core!.data), core!.headers["x-tenant"]], ["core", "globex"])
      assert.isAbove(core!.seq, durable!.seq)
    }))

  test("a msgId inside the duplicate window is stored once and acked with the original seq", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream({ duplicateWindow: "1 second" })
      const first = yield* bus.publishDurable(`${p}.1.a`, bytes("A"), { msgId: "m-1" })
      const again = yield* bus.publishDurable(`${p}.1.a`, bytes("A again"), { msgId: "m-1" })
      const other = yield* bus.publishDurable(`${p}.1.a`, bytes("B"), { msgId: "m-2" })
      assert.isFalse(first.duplicate)
      assert.isTrue(again.duplicate)
      assert.strictEqual(again.seq, first.seq)
      assert.strictEqual(other.seq, first.seq + 1)
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec))
      const got = yield* takeN(deliveries, 2)
      assert.deepStrictEqual(
        got.map((d) => [d.seq, text(d.data)]),
        [
          [first.seq, "A"],
          [other.seq, "B"]
        ]
      )
      yield* Effect.forEach(got, (d) => d.ack)
      yield* ctx.advance("2 seconds")
      const later = yield* bus.publishDurable(`${p}.1.a`, bytes("A later"), { msgId: "m-1" })
      assert.isFalse(later.duplicate)
      assert.isAbove(later.seq, other.seq)
    }))

  test("a full stream refuses new messages and keeps the old ones (discard new)", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream({ maxMsgs: 2 })
      const kept = yield* Effect.forEach(["m1", "m2"], (m) => bus.publishDurable(`${p}.1.a`, bytes(m)))
      const full = yield* Effect.flip(bus.publishDurable(`${p}.1.a`, bytes("m3")))
      assert.strictEqual(full._tag, "BusError")
      assert.include(full.message, "stream full")
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec))
      const first = yield* Queue.take(deliveries)
      assert.strictEqual(first.seq, kept[0]?.seq)
      assert.strictEqual(text(first.data), "m1")
      yield* first.ack
      // The ack removed m1 from the work queue, which frees one slot.
      yield* bus.publishDurable(`${p}.1.a`, bytes("m3"))
      assert.deepStrictEqual(
        (yield* takeN(deliveries, 2)).map((d) => text(d.data)),
        ["m2", "m3"]
      )
    }))

  test("a stream over maxBytes refuses the message", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      yield* ctx.stream({ maxBytes: 1024 })
      yield* bus.publishDurable(`${p}.1.a`, new Uint8Array(600))
      const full = yield* Effect.flip(bus.publishDurable(`${p}.1.a`, new Uint8Array(600)))
      assert.include(full.message, "stream full")
    }))

  test("a consumer delivers its filter's messages in stream order", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      const subjects = [`${p}.1.a`, `${p}.2.a`, `${p}.1.b`, `${p}.1.a`, `${p}.2.b`, `${p}.1.c`]
      const acks = yield* Effect.forEach(subjects, (s, i) => bus.publishDurable(s, bytes(`m${i}`)))
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec), 2)
      const mine = acks.filter((_, i) => subjects[i]?.startsWith(`${p}.1.`))
      const got = yield* takeN(deliveries, mine.length)
      assert.deepStrictEqual(
        got.map((d) => d.seq),
        mine.map((a) => a.seq)
      )
      assert.isTrue(got.every((d) => d.deliveryCount === 1 && d.subject.startsWith(`${p}.1.`)))
      yield* Effect.forEach(got, (d) => d.ack)
    }))

  test("on a work queue a filter overlapping another consumer's is refused", (ctx) =>
    Effect.gen(function* () {
      const { prefix: p } = ctx
      const spec = yield* ctx.stream()
      yield* ctx.consumer(spec, { name: "one", filterSubject: `${p}.1.*` })
      const error = yield* Effect.flip(ctx.consumer(spec, { name: "all", filterSubject: `${p}.*.*` }))
      assert.strictEqual(error._tag, "ConsumerNotUnique")
      yield* ctx.consumer(spec, { name: "two", filterSubject: `${p}.2.*` })
    }))

  test("a consumer created again under its own name is taken as it is, though its filter refuses any other", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      // What a new partition owner does with an orphan it knows by name: the server checks the
      // name before the filter, so this succeeds where a new name on the same filter is refused.
      yield* ctx.consumer(spec, { name: "kept", filterSubject: `${p}.1.*` })
      assert.strictEqual(
        (yield* Effect.flip(ctx.consumer(spec, { name: "other", filterSubject: `${p}.1.*` })))._tag,
        "ConsumerNotUnique"
      )
      yield* ctx.consumer(spec, { name: "kept", filterSubject: `${p}.1.*` })
      yield* bus.deleteConsumer(spec.name, "kept")
      yield* ctx.consumer(spec, { name: "other", filterSubject: `${p}.1.*` })
    }))

  test("at most maxAckPending deliveries are outstanding", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      yield* Effect.forEach(["m1", "m2", "m3"], (m) => bus.publishDurable(`${p}.1.a`, bytes(m)))
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec, { maxAckPending: 2, ackWait: "5 seconds" }))
      const [first] = yield* takeN(deliveries, 2)
      yield* ctx.quiet
      assert.strictEqual(yield* Queue.size(deliveries), 0)
      yield* first!.ack
      assert.strictEqual(text((yield* Queue.take(deliveries)).data), "m3")
    }))

  test("a limits stream keeps acked messages for other consumers and drops them after maxAge", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream({ retention: "limits", maxAge: "1 second", duplicateWindow: "2 minutes" })
      yield* bus.publishDurable(`${p}.1.a`, bytes("old"))
      const a = yield* pull(bus, yield* ctx.consumer(spec, { name: "a" }))
      yield* (yield* Queue.take(a.deliveries)).ack
      const b = yield* pull(bus, yield* ctx.consumer(spec, { name: "b" }))
      assert.strictEqual(text((yield* Queue.take(b.deliveries)).data), "old")
      yield* ctx.advance("2 seconds")
      yield* bus.publishDurable(`${p}.1.a`, bytes("new"))
      const c = yield* pull(bus, yield* ctx.consumer(spec, { name: "c" }))
      assert.strictEqual(text((yield* Queue.take(c.deliveries)).data), "new")
    }))
}
