import { assert, describe, it } from "@effect/vitest"
import { document } from "../../http/api/AsyncApi.ts"
import { commandTypes } from "../../http/ws/Protocol.ts"

describe("the socket's AsyncAPI document", () => {
  it("is AsyncAPI 3.0 with every command Parley receives and every frame it sends, each with its Schema", () => {
    const doc = document() as {
      asyncapi: string
      channels: { workspace: { address: string } }
      operations: Record<string, { action: string; messages: ReadonlyArray<{ $ref: string }> }>
      components: {
        messages: Record<string, { payload: { schema: { properties?: Record<string, unknown>; anyOf?: unknown } } }>
      }
    }
    assert.strictEqual(doc.asyncapi, "3.0.0")
    assert.strictEqual(doc.channels.workspace.address, "/ws")
    const received = doc.operations.receiveCommand?.messages.map((m) => m.$ref.split("/").pop())
    assert.deepStrictEqual(received, [...commandTypes])
    const sent = doc.operations.sendToWorkspace?.messages.map((m) => m.$ref.split("/").pop())
    assert.deepStrictEqual(sent, ["welcome", "event", "ack", "error"])
    assert.include(Object.keys(doc.components.messages.accept?.payload.schema.properties ?? {}), "offerId")
    assert.isDefined(doc.components.messages.transfer?.payload.schema.anyOf, "transfer: to a queue or to an agent")
  })
})
