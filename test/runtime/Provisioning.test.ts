import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, TestClock } from "effect"
import { provisioning } from "../../runtime/internal/natsErrors.ts"

/**
 * Making a stream or a bucket is tried again while JetStream times out or has nobody answering
 * (a cluster's servers still electing or placing), and fails, naming the call, after a minute.
 */

/** nats.js's shape of a request that got no answer in time. */
const timeout = () => Object.assign(new Error("timeout"), { name: "TimeoutError" })

describe("a set-up call to JetStream", () => {
  it.effect("that times out twice succeeds on its third try", () =>
    Effect.gen(function* () {
      let calls = 0
      const fiber = yield* Effect.fork(
        provisioning({ operation: "ensureStream", stream: "S" }, async () => {
          calls++
          if (calls < 3) throw timeout()
          return "made"
        })
      )
      yield* TestClock.adjust("10 seconds")
      assert.strictEqual(yield* Fiber.join(fiber), "made")
      assert.strictEqual(calls, 3)
    })
  )

  it.effect(
    "that meets a cluster still forming (a stream just made not known yet, no leader) succeeds once it has formed",
    () =>
      Effect.gen(function* () {
        const answers = [10059, 10008, 10009]
        let calls = 0
        const fiber = yield* Effect.fork(
          provisioning({ operation: "kv", bucket: "B" }, async () => {
            const code = answers[calls++]
            if (code !== undefined) throw Object.assign(new Error("not yet"), { code })
            return "opened"
          })
        )
        yield* TestClock.adjust("10 seconds")
        assert.strictEqual(yield* Fiber.join(fiber), "opened")
        assert.strictEqual(calls, 4)
      })
  )

  it.effect("that keeps timing out fails after a minute with a BusError naming it", () =>
    Effect.gen(function* () {
      let calls = 0
      const fiber = yield* Effect.fork(
        provisioning({ operation: "kv", bucket: "B" }, async () => {
          calls++
          throw timeout()
        }).pipe(Effect.flip)
      )
      yield* TestClock.adjust("59 seconds")
      assert.isNull(fiber.unsafePoll(), "still trying before the minute is out")
      yield* TestClock.adjust("10 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "BusError")
      assert.strictEqual(error.operation, "kv")
      assert.isAbove(calls, 10)
    })
  )

  it.effect("that is refused for another reason fails at once", () =>
    Effect.gen(function* () {
      let calls = 0
      const error = yield* provisioning({ operation: "ensureStream", stream: "S" }, async () => {
        calls++
        throw Object.assign(new Error("insufficient resources"), { code: 10023 })
      }).pipe(Effect.flip)
      assert.strictEqual(error._tag, "BusError")
      assert.strictEqual(calls, 1)
    })
  )
})
