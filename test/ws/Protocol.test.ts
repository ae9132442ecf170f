import { randomUUID } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import { requirements } from "../../apple/CapabilityGate.ts"
import { type AgentContent, toOutbound } from "../../http/ws/Content.ts"
import { Command, commandTypes, describe as describeProtocol } from "../../http/ws/Protocol.ts"

const decode = Schema.decodeUnknownEither(Schema.parseJson(Command))
const id = randomUUID()

const contents: ReadonlyArray<readonly [AgentContent, ReadonlyArray<string>]> = [
  [{ kind: "text", body: "Hello Jane" }, []],
  [{ kind: "richLink", url: "https://example.com/refinance", title: "Refinance options" }, []],
  [{ kind: "listPicker", title: "Which card?", items: [{ id: "a", title: "Visa" }] }, ["LIST"]],
  [
    {
      kind: "timePicker",
      title: "Call back",
      slots: [{ start: "2030-07-10T17:00:00Z", minutes: 30 }]
    },
    ["TIME"]
  ],
  [
    {
      kind: "quickReply",
      prompt: "Did that help?",
      options: [
        { id: "y", title: "Yes" },
        { id: "n", title: "No" }
      ]
    },
    ["QUICK"]
  ],
  [
    {
      kind: "form",
      title: "Your details",
      pages: [
        { id: "reason", title: "Reason", type: "select", options: [{ id: "lost", title: "Lost" }] },
        { id: "phone", title: "Phone", type: "input" }
      ]
    },
    ["FORM", "IOS_DEVICE"]
  ]
]

describe("agent socket protocol", () => {
  it.effect("every content kind builds Apple's message with the builders, needing what the device must have", () =>
    Effect.gen(function* () {
      for (const [content, needs] of contents) {
        const command = decode(
          JSON.stringify({ v: 1, type: "send", ref: "r1", interactionId: id, clientMessageId: "c1", content })
        )
        assert.isTrue(Either.isRight(command), `${content.kind} decodes`)
        const outbound = yield* toOutbound(content)
        const needed =
          outbound.type === "interactive" && "interactiveData" in outbound ? requirements(outbound.interactiveData) : []
        assert.deepStrictEqual([...needed], [...needs], content.kind)
      }
    })
  )

  it("malformed frames are refused with a reason, never thrown", () => {
    const frames = [
      "not json",
      "[]",
      JSON.stringify({ v: 2, type: "accept", ref: "r", offerId: id }),
      JSON.stringify({ v: 1, type: "accept", ref: "r", offerId: "not-a-uuid" }),
      JSON.stringify({ v: 1, type: "fly", ref: "r" }),
      JSON.stringify({ v: 1, type: "accept", offerId: id }),
      JSON.stringify({
        v: 1,
        type: "send",
        ref: "r",
        interactionId: id,
        clientMessageId: "c",
        content: { kind: "quickReply", prompt: "?", options: [{ id: "only", title: "One" }] }
      })
    ]
    for (const frame of frames) assert.isTrue(Either.isLeft(decode(frame)), frame)
  })

  it("the JSON Schema describes every command and server message", () => {
    const doc = describeProtocol()
    const text = JSON.stringify(doc.clientToServer)
    for (const type of commandTypes) assert.include(text, `"${type}"`)
    const server = JSON.stringify(doc.serverToClient)
    for (const type of ["welcome", "event", "ack", "error"]) assert.include(server, `"${type}"`)
    assert.strictEqual(doc.closeCodes.unauthenticated, 4401)
  })
})
