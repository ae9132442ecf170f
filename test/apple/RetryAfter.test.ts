import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Ref, Schedule, TestClock } from "effect"
import { AppleRetryable, fromStatus, honourRetryAfter, parseRetryAfter } from "../../apple/AppleError.ts"
import { fromInteractiveData } from "../../apple/InteractiveReply.ts"

describe("Retry-After on Apple's 429/503", () => {
  it("is read as seconds or as an HTTP date, and carried by the retryable error", () => {
    const now = Date.parse("2026-01-01T00:00:00Z")
    assert.strictEqual(parseRetryAfter("30", now), 30_000)
    assert.strictEqual(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", now), 60_000)
    assert.strictEqual(parseRetryAfter("soon", now), undefined)
    const error = fromStatus("message", 429, "urn:mbid:x", 30_000)
    assert.strictEqual(error._tag === "AppleRetryable" ? error.retryAfterMillis : undefined, 30_000)
  })

  it.effect("no retry starts before the wait Apple asked for, even when the schedule would go sooner", () =>
    Effect.gen(function* () {
      const tries = yield* Ref.make(0)
      const call = Ref.updateAndGet(tries, (n) => n + 1).pipe(
        Effect.flatMap((n) =>
          n === 1
            ? Effect.fail(
                new AppleRetryable({ operation: "message", status: 503, reason: "HTTP 503", retryAfterMillis: 30_000 })
              )
            : Effect.succeed(n)
        )
      )
      const fiber = yield* Effect.fork(call.pipe(Effect.retry(honourRetryAfter(Schedule.spaced("1 second")))))
      yield* TestClock.adjust("29 seconds")
      assert.strictEqual(yield* Ref.get(tries), 1)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(yield* Fiber.join(fiber), 2)
    })
  )
})

describe("a list-picker reply", () => {
  const picker = (items: ReadonlyArray<Record<string, unknown>>, summary?: string) =>
    fromInteractiveData({
      data: {
        listPicker: { sections: [{ items }] },
        ...(summary !== undefined ? { replyMessage: { title: summary } } : {})
      }
    })
  const chosen = (reply: ReturnType<typeof fromInteractiveData>) =>
    reply._tag === "ListPickerReply" ? reply.selected.map((s) => s.identifier) : []

  it("that echoes every item chooses only those flagged selected", () => {
    const items = [
      { identifier: "a", title: "Apple", selected: false },
      { identifier: "b", title: "Orange", selected: true },
      { identifier: "c", title: "Lettuce", selected: "false" }
    ]
    assert.deepStrictEqual(chosen(picker(items)), ["b"])
  })

  it("that echoes every item without flags chooses those its summary names", () => {
    const items = [
      { identifier: "a", title: "Apple" },
      { identifier: "b", title: "Orange" },
      { identifier: "c", title: "Lettuce" }
    ]
    assert.deepStrictEqual(chosen(picker(items, "Orange, Lettuce")), ["b", "c"])
  })

  it("holding only the chosen items takes them all", () => {
    assert.deepStrictEqual(chosen(picker([{ identifier: "b", title: "Orange" }], "Selected Produce")), ["b"])
  })
})
