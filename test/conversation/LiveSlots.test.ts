import { assert, describe, it } from "@effect/vitest"
import { defaultSchedule, nextSlots } from "../../actors/conversation/CallBackSlots.ts"

const iso = (d: Date) => d.toISOString()

describe("call-back slots", () => {
  it("office hours: aligned half hours from an hour ahead, inside 9–17 UTC, weekdays only", () => {
    // Friday 16:10 UTC: an hour ahead is after closing, so Monday morning comes next.
    const friday = new Date("2026-11-27T16:10:00Z")
    const slots = nextSlots(defaultSchedule, friday)
    assert.strictEqual(slots.length, defaultSchedule.count)
    assert.deepStrictEqual(
      slots.slice(0, 2).map((s) => iso(s.start)),
      ["2026-11-30T09:00:00.000Z", "2026-11-30T09:30:00.000Z"]
    )
    for (const slot of slots) {
      assert.include([1, 2, 3, 4, 5], slot.start.getUTCDay())
      assert.isAtLeast(slot.start.getUTCHours(), 9)
      assert.isBelow(slot.start.getUTCHours(), 17)
      assert.strictEqual(slot.start.getTime() % (30 * 60_000), 0)
      assert.isAtLeast(slot.start.getTime() - friday.getTime(), defaultSchedule.leadSeconds * 1000)
    }
    assert.strictEqual(new Set(slots.map((s) => s.id)).size, slots.length)
  })

  it("the lead time is respected mid-day, and the next day follows closing", () => {
    const tuesday = new Date("2026-11-24T15:05:00Z")
    const slots = nextSlots({ ...defaultSchedule, count: 4 }, tuesday)
    assert.deepStrictEqual(
      slots.map((s) => iso(s.start)),
      ["2026-11-24T16:30:00.000Z", "2026-11-25T09:00:00.000Z", "2026-11-25T09:30:00.000Z", "2026-11-25T10:00:00.000Z"]
    )
  })

  it("a slot that would run past closing is not offered", () => {
    const tuesday = new Date("2026-11-24T15:05:00Z")
    const [first] = nextSlots({ ...defaultSchedule, slotSeconds: 90 * 60 }, tuesday)
    // 16:30 would end at 18:00.
    assert.strictEqual(iso(first!.start), "2026-11-25T09:00:00.000Z")
  })

  it("a schedule with no open hours offers nothing", () => {
    assert.deepStrictEqual(nextSlots({ ...defaultSchedule, weekdays: [] }, new Date("2026-11-24T10:00:00Z")), [])
  })
})
