import { assert } from "@effect/vitest"
import { Effect, Fiber, Queue } from "effect"
import type { ContractTest } from "./BusContractSupport.ts"
import { bytes, pull, takeN, text } from "./BusContractSupport.ts"

export const deliveryTests = (test: ContractTest): void => {
  test("an un-acked delivery comes back after ackWait with a higher deliveryCount", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      const sent = yield* bus.publishDurable(`${p}.1.a`, bytes("m1"))
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec, { ackWait: "1 second" }))
      const first = yield* Queue.take(deliveries)
      assert.strictEqual(first.seq, sent.seq)
      assert.strictEqual(first.deliveryCount, 1)
      yield* ctx.advance("1500 millis")
      const again = yield* Queue.take(deliveries)
      assert.strictEqual(again.seq, sent.seq)
      assert.isAbove(again.deliveryCount, first.deliveryCount)
      yield* again.ack
    }))

  test("working() pushes the ack deadline out", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      yield* bus.publishDurable(`${p}.1.a`, bytes("slow"))
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec, { ackWait: "1 second" }))
      const first = yield* Queue.take(deliveries)
      yield* ctx.advance("600 millis")
      yield* first.working
      yield* ctx.advance("700 millis")
      assert.strictEqual(yield* Queue.size(deliveries), 0)
      yield* ctx.advance("1 second")
      const again = yield* Queue.take(deliveries)
      assert.strictEqual(again.seq, first.seq)
      assert.strictEqual(again.deliveryCount, 2)
      yield* again.ack
    }))

  test("nak(delay) redelivers after the delay", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      yield* bus.publishDurable(`${p}.1.a`, bytes("retry me"))
      const { deliveries } = yield* pull(bus, yield* ctx.consumer(spec, { ackWait: "10 seconds" }))
      const first = yield* Queue.take(deliveries)
      yield* first.nak("300 millis")
      yield* ctx.advance("500 millis")
      const again = yield* Queue.take(deliveries)
      assert.strictEqual(again.seq, first.seq)
      assert.strictEqual(again.deliveryCount, 2)
      yield* again.ack
    }))

  test("term() stops redelivery and removes the message from the work queue", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      yield* Effect.forEach(["poison", "fine"], (m) => bus.publishDurable(`${p}.1.a`, bytes(m)))
      const c1 = yield* ctx.consumer(spec, { ackWait: "1 second" })
      const { deliveries } = yield* pull(bus, c1)
      const [poison, fine] = yield* takeN(deliveries, 2)
      assert.strictEqual(text(poison!.data), "poison")
      yield* poison!.term("dead-lettered")
      yield* ctx.advance("1500 millis")
      // Only "fine" (never acked) comes back.
      const again = yield* Queue.take(deliveries)
      assert.strictEqual(again.seq, fine!.seq)
      yield* ctx.quiet
      assert.strictEqual(yield* Queue.size(deliveries), 0)
      yield* bus.deleteConsumer(spec.name, c1.name)
      const next = yield* pull(bus, yield* ctx.consumer(spec, { name: "c2" }))
      assert.strictEqual((yield* Queue.take(next.deliveries)).seq, fine!.seq)
    }))

  test("deleting a consumer ends its streams with ConsumerGone; a new one gets the un-acked messages in order", (ctx) =>
    Effect.gen(function* () {
      const { bus, prefix: p } = ctx
      const spec = yield* ctx.stream()
      const acks = yield* Effect.forEach(["m1", "m2", "m3", "m4"], (m) => bus.publishDurable(`${p}.1.a`, bytes(m)))
      const old = yield* ctx.consumer(spec, { name: "conv-e1", ackWait: "30 seconds" })
      const oldPull = yield* pull(bus, old, 2)
      const [m1, m2] = yield* takeN(oldPull.deliveries, 2)
      yield* m1!.ack
      yield* bus.deleteConsumer(spec.name, old.name)
      const ended = yield* Effect.flip(Fiber.join(oldPull.fiber))
      assert.strictEqual(ended._tag, "ConsumerGone")
      const lateAck = yield* Effect.flip(m2!.ack)
      assert.strictEqual(lateAck._tag, "ConsumerGone")
      const gone = yield* Effect.flip(Fiber.join((yield* pull(bus, old)).fiber))
      assert.strictEqual(gone._tag, "ConsumerGone")
      const fresh = yield* pull(bus, yield* ctx.consumer(spec, { name: "conv-e2", ackWait: "30 seconds" }))
      const rest = yield* takeN(fresh.deliveries, 3)
      assert.deepStrictEqual(
        rest.map((d) => d.seq),
        acks.slice(1).map((a) => a.seq)
      )
      yield* Effect.forEach(rest, (d) => d.ack)
      yield* bus.deleteConsumer(spec.name, "no-such-consumer")
    }))
}
