import { assert } from "@effect/vitest"
import { Deferred, Effect, Fiber, Queue } from "effect"
import type { BusMessage } from "../../runtime/Bus.ts"
import type { ContractTest } from "./BusContractSupport.ts"
import { bytes, takeN, text } from "./BusContractSupport.ts"

/** Takes messages until one has `last` as subject (per-subscription order is kept by both layers). */
const takeUntil = (queue: Queue.Queue<BusMessage>, last: string) =>
  Effect.gen(function* () {
    const seen: Array<string> = []
    while (seen.at(-1) !== last) seen.push((yield* Queue.take(queue)).subject)
    return seen
  })

export const coreTests = (test: ContractTest): void => {
  test("ping answers and describe names where the bus lives", ({ bus }) =>
    Effect.gen(function* () {
      yield* bus.ping
      assert.isNotEmpty(bus.describe)
    }))

  test("`*` matches one token and `>` the tail", ({ bus, prefix: p }) =>
    Effect.gen(function* () {
      const star = yield* Queue.unbounded<BusMessage>()
      const tail = yield* Queue.unbounded<BusMessage>()
      yield* bus.subscribe(`${p}.a.*`, (m) => Queue.offer(star, m))
      yield* bus.subscribe(`${p}.>`, (m) => Queue.offer(tail, m))
      const published = [`${p}.a.x`, `${p}.a.x.y`, `${p}.b`, `${p}.a.end`]
      yield* Effect.forEach(published, (subject) => bus.publish(subject, bytes(subject)))
      assert.deepStrictEqual(yield* takeUntil(star, `${p}.a.end`), [`${p}.a.x`, `${p}.a.end`])
      assert.deepStrictEqual(yield* takeUntil(tail, `${p}.a.end`), published)
      const other = yield* Queue.unbounded<BusMessage>()
      yield* bus.subscribe(`${p}.a.*`, (m) => Queue.offer(other, m))
      yield* bus.publish(`${p}.a`, bytes("too short for a.*"))
      yield* bus.publish(`${p}.a.z`, bytes("z"))
      assert.strictEqual((yield* Queue.take(other)).subject, `${p}.a.z`)
    }))

  test("a queue group gets each message exactly once, plain subscribers get all", ({ bus, prefix: p, quiet }) =>
    Effect.gen(function* () {
      const group = yield* Queue.unbounded<string>()
      const plain = yield* Queue.unbounded<string>()
      yield* Effect.repeatN(
        bus.subscribe(`${p}.work`, (m) => Queue.offer(group, text(m.data)), { queue: "workers" }),
        2
      )
      yield* bus.subscribe(`${p}.work`, (m) => Queue.offer(plain, text(m.data)))
      const sent = Array.from({ length: 12 }, (_, i) => `job-${i}`)
      yield* Effect.forEach(sent, (job) => bus.publish(`${p}.work`, bytes(job)))
      assert.deepStrictEqual(yield* takeN(plain, sent.length), sent)
      const received = yield* takeN(group, sent.length)
      assert.deepStrictEqual([...received].sort(), [...sent].sort())
      yield* quiet
      assert.strictEqual(yield* Queue.size(group), 0)
    }))

  test("request/reply carries data and headers both ways", ({ bus, prefix: p }) =>
    Effect.gen(function* () {
      yield* bus.subscribe(`${p}.echo`, (m) =>
        Effect.orDie(m.respond(bytes(`echo:${text(m.data)}`), { "x-seen": m.headers["x-asked"] ?? "none" }))
      )
      const reply = yield* bus.request(`${p}.echo`, bytes("hi"), {
        timeout: "2 seconds",
        headers: { "x-asked": "yes" }
      })
      assert.strictEqual(text(reply.data), "echo:hi")
      assert.strictEqual(reply.headers["x-seen"], "yes")
    }))

  test("responding to a message without a reply subject fails with BusError", ({ bus, prefix: p }) =>
    Effect.gen(function* () {
      const outcome = yield* Deferred.make<string>()
      yield* bus.subscribe(`${p}.fire`, (m) =>
        m.respond(bytes("nobody asked")).pipe(
          Effect.match({ onFailure: (e) => e._tag, onSuccess: () => "responded" }),
          Effect.flatMap((tag) => Deferred.succeed(outcome, tag))
        )
      )
      yield* bus.publish(`${p}.fire`, bytes("x"))
      assert.strictEqual(yield* Deferred.await(outcome), "BusError")
    }))

  test("a request nobody listens to fails at once with NoResponders", ({ bus, prefix: p }) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(bus.request(`${p}.nobody`, bytes("?"), { timeout: "30 seconds" }))
      assert.strictEqual(error._tag, "NoResponders")
    }))

  test("a request to a silent subscriber fails with BusTimeout", ({ bus, prefix: p, advance }) =>
    Effect.gen(function* () {
      yield* bus.subscribe(`${p}.silent`, () => Effect.void)
      const asking = yield* Effect.fork(bus.request(`${p}.silent`, bytes("?"), { timeout: "300 millis" }))
      yield* advance("500 millis")
      const error = yield* Effect.flip(Fiber.join(asking))
      assert.strictEqual(error._tag, "BusTimeout")
    }))

  test("a durable publish no stream covers fails with BusError", ({ bus, prefix: p }) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(bus.publishDurable(`${p}.nowhere`, bytes("x")))
      assert.strictEqual(error._tag, "BusError")
    }))
}
