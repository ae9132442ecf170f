import { assert, describe, it } from "@effect/vitest"
import { dateOf, isAddress, isBack, isPhone, readField } from "../../actors/virtual-agent/Fields.ts"
import type { FormField } from "../../actors/virtual-agent/Topic.ts"
import { topicById } from "../../actors/virtual-agent/Topics.ts"

// A Wednesday.
const today = new Date("2026-03-11T15:00:00Z")
const iso = (text: string) => {
  const d = dateOf(text, today)
  return d instanceof Date ? d.toISOString().slice(0, 10) : d
}

const form = topicById("card_replacement")?.steps.find((s) => s._tag === "Form")
const fields: ReadonlyArray<FormField> = form?._tag === "Form" ? form.fields : []
const field = (id: string) => fields.find((f) => f.id === id) as FormField

describe("form fields answered in text", () => {
  it("dates as people write them; a numeric day/month is asked back; a future date is refused", () => {
    assert.strictEqual(iso("2026-03-01"), "2026-03-01")
    assert.strictEqual(iso("yesterday"), "2026-03-10")
    assert.strictEqual(iso("today"), "2026-03-11")
    assert.strictEqual(iso("3 days ago"), "2026-03-08")
    assert.strictEqual(iso("last Monday"), "2026-03-09")
    assert.strictEqual(iso("on Friday"), "2026-03-06")
    assert.strictEqual(iso("1 March"), "2026-03-01")
    assert.strictEqual(iso("March 2nd, 2026"), "2026-03-02")
    assert.strictEqual(iso("Dec 24"), "2025-12-24")
    assert.strictEqual(iso("03/01/2026"), "ambiguous")
    assert.strictEqual(iso("2026-02-30"), undefined)
    assert.strictEqual(iso("whenever"), undefined)
    const future = readField(field("dateLost"), "2026-04-01", undefined, today)
    assert.strictEqual(future._tag, "Invalid")
    assert.deepStrictEqual(readField(field("dateLost"), "skip", undefined, today), { _tag: "Value", value: undefined })
  })

  it("phone numbers and addresses are checked, a prefilled value is kept with 'ok'", () => {
    assert.isTrue(isPhone("+1 (212) 555-0187"))
    assert.isTrue(isPhone("020 7946 0958"))
    assert.isFalse(isPhone("call me"))
    assert.isFalse(isPhone("12345"))
    assert.isTrue(isAddress("88 Hudson Street, New York, NY 10013"))
    assert.isFalse(isAddress("home"))
    assert.isFalse(isAddress("New York"))
    const phone = readField(field("phone"), "not sure", "+1 212 555 0187", today)
    assert.strictEqual(phone._tag, "Invalid")
    assert.include(phone._tag === "Invalid" ? phone.message : "", "phone number")
    assert.deepStrictEqual(readField(field("phone"), "ok", "+1 212 555 0187", today), {
      _tag: "Value",
      value: "+1 212 555 0187"
    })
    const address = readField(field("address"), "my house", undefined, today)
    assert.include(address._tag === "Invalid" ? address.message : "", "house number and street")
    assert.deepStrictEqual(readField(field("reason"), "it was stolen", undefined, today), {
      _tag: "Value",
      value: "stolen"
    })
    assert.strictEqual(readField(field("reason"), "purple", undefined, today)._tag, "Invalid")
  })

  it("'back' goes to the answer before", () => {
    for (const t of ["back", "go back", "Previous", "change the last answer"]) assert.isTrue(isBack(t), t)
    assert.isFalse(isBack("my back hurts"))
  })
})
