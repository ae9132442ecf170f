import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue, TestClock } from "effect"
import type { BusShape, StreamSpec } from "../../runtime/Bus.ts"
import { withHighWater } from "../../runtime/internal/admission.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import { bytes, pull } from "./BusContractSupport.ts"

/**
 * The high-water mark keeps an actor stream short of the server's own bound, where a clustered
 * nats-server 2.9 can lose acknowledged messages: durable publishes are refused past it, with the
 * same "stream full" reason the server gives, and admitted again once the stream has drained.
 */

const spec = (name: string, subject: string): StreamSpec => ({
  name,
  subjects: [`${subject}.>`],
  retention: "workqueue",
  replicas: 1,
  maxBytes: 1024 * 1024,
  maxMsgs: 1_000,
  duplicateWindow: "2 minutes"
})

const setup = Effect.gen(function* () {
  const inner = MemoryBus.make()
  yield* inner.ensureStream(spec("HW", "hw"))
  yield* inner.ensureStream(spec("FREE", "free"))
  const bus: BusShape = withHighWater(inner, [{ stream: "HW", subjectPrefix: "hw.", messages: 3, bytes: 1024 * 1024 }])
  return { bus }
})

describe("stream high-water mark", () => {
  // The test clock: "fresh" is the reading's age by Effect's clock, so a loaded machine cannot age it.
  it.scoped("refuses durable publishes past the mark, only to its stream, until the stream drains", () =>
    Effect.gen(function* () {
      const { bus } = yield* setup
      for (const n of [1, 2, 3]) yield* bus.publishDurable(`hw.${n}.a`, bytes(`m${n}`))
      const refused = yield* Effect.flip(bus.publishDurable("hw.4.a", bytes("m4")))
      assert.strictEqual(refused._tag, "BusError")
      assert.include(refused.message, "stream full")
      assert.include(refused.message, "high-water mark 3 messages")
      // The server's bound (1,000) was not what refused it: the stream holds 3.
      assert.strictEqual((yield* bus.streamState("HW")).messages, 3)
      // Other streams are not gated.
      for (const n of [1, 2, 3, 4, 5]) yield* bus.publishDurable(`free.${n}.a`, bytes(`f${n}`))

      const consumer = {
        stream: "HW",
        name: "hw-all",
        filterSubject: "hw.>",
        ackWait: "30 seconds",
        maxAckPending: 10
      } as const
      yield* bus.ensureConsumer(consumer)
      const { deliveries } = yield* pull(bus, consumer)
      yield* Effect.flatMap(Queue.take(deliveries), (d) => d.ack)
      // Still refused while this node's reading is fresh; admitted on the next reading.
      assert.include((yield* Effect.flip(bus.publishDurable("hw.4.a", bytes("m4")))).message, "high-water")
      yield* TestClock.adjust("250 millis")
      yield* bus.publishDurable("hw.4.a", bytes("m4"))
      assert.strictEqual((yield* bus.streamState("HW")).messages, 3)
    })
  )

  it.scoped("counts what this node admitted since its last reading", () =>
    Effect.gen(function* () {
      const { bus } = yield* setup
      // Three publishes inside one reading's lifetime: the reading said 0, the admitted ones count.
      yield* Effect.all(
        [1, 2, 3].map((n) => bus.publishDurable(`hw.${n}.a`, bytes(`m${n}`))),
        { concurrency: 3 }
      )
      assert.include((yield* Effect.flip(bus.publishDurable("hw.9.a", bytes("m9")))).message, "high-water")
    })
  )

  it.effect("admits when the stream's count cannot be read: the publish itself then tells", () =>
    Effect.gen(function* () {
      const inner = MemoryBus.make()
      yield* inner.ensureStream(spec("HW", "hw"))
      const bus = withHighWater(inner, [{ stream: "NOT_THERE", subjectPrefix: "hw.", messages: 1, bytes: 1 }])
      for (const n of [1, 2, 3]) yield* bus.publishDurable(`hw.${n}.a`, bytes(`m${n}`))
      assert.strictEqual((yield* inner.streamState("HW")).messages, 3)
    })
  )
})
