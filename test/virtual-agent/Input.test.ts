import { assert, describe, it } from "@effect/vitest"
import { fromReply } from "../../actors/virtual-agent/Input.ts"
import { fromInteractiveData } from "../../apple/InteractiveReply.ts"

const bid = "com.apple.messages.MSMessageExtensionBalloonPlugin:TEAM123456:com.parley.slots.extension"

describe("custom iMessage app replies", () => {
  it("reads the slot and request from the app's URL", () => {
    const input = fromReply(
      fromInteractiveData({
        bid,
        URL: "?request=r-1&slot=slot-2026-11-27T16",
        replyMessage: { title: "Delivery scheduled" }
      })
    )
    assert.deepStrictEqual(input, { _tag: "Slot", id: "slot-2026-11-27T16", requestIdentifier: "r-1" })
  })

  it("accepts a slot echoed whole (id~start~minutes) and a URL with a path before the query", () => {
    const input = fromReply(
      fromInteractiveData({ bid, URL: "https://app.example/pick?slot=slot-A~2026-11-27T16:00:00.000Z~120" })
    )
    assert.deepStrictEqual(input, { _tag: "Slot", id: "slot-A" })
  })

  it("reads a reply that only carries the chosen label as text, and one with nothing as unreadable", () => {
    assert.deepStrictEqual(
      fromReply(fromInteractiveData({ bid, URL: "?", replyMessage: { title: "2026-11-27 16:00 UTC" } })),
      {
        _tag: "Text",
        text: "2026-11-27 16:00 UTC"
      }
    )
    assert.strictEqual(fromReply(fromInteractiveData({ bid, URL: "?" }))._tag, "Other")
  })
})
