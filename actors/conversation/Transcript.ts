import { randomUUID } from "node:crypto"
import { Effect, Option } from "effect"
import { appendMessage } from "../../db/queries/messages.ts"
import { gate } from "../../http/apple/CapabilityGate.ts"
import type { OutboundContent } from "../../http/apple/OutboundMessage.ts"
import { splitLinks } from "../../http/apple/RichLink.ts"
import * as Turn from "../../runtime/Turn.ts"
import { AppleOutbound, Send, senderId } from "../apple/AppleOutboundProtocol.ts"

/** Whom a conversation writes to and what their device can show. */
export interface Recipient {
  readonly businessId: string
  readonly opaqueId: string
  readonly interactionId: string
  readonly capabilities: ReadonlyArray<string>
  readonly deviceAgent: string | undefined
  readonly locale: string | undefined
}

/** A customer's message, once per Apple message id (a redelivery finds the line already there). */
export const recordInbound = Effect.fn("Transcript.recordInbound")(function* (
  to: Recipient,
  appleMessageId: string,
  kind: string,
  body: Readonly<Record<string, unknown>>
) {
  const appended = yield* appendMessage({
    interactionId: to.interactionId,
    direction: "in",
    authorKind: "customer",
    kind,
    body,
    appleMessageId
  })
  return appended.inserted
})

export const note = Effect.fn("Transcript.note")(function* (
  to: Recipient,
  kind: string,
  body: Readonly<Record<string, unknown>>
) {
  yield* appendMessage({ interactionId: to.interactionId, direction: "out", authorKind: "system", kind, body })
})

/**
 * Sends bot content: gated by the device's capabilities (a text fallback, recorded as a
 * substitution), URLs split into rich links, each piece written to the transcript under the Apple
 * message id it is sent with, and handed to the customer's Apple sender in the same turn.
 */
export const sendBot = Effect.fn("Transcript.sendBot")(function* (
  to: Recipient,
  content: OutboundContent,
  kind: string
) {
  const gated = gate(to.capabilities, content, to.deviceAgent !== undefined ? { deviceAgent: to.deviceAgent } : {})
  const substitution = Option.getOrUndefined(gated.substitution)
  const pieces = gated.content.type === "text" ? splitLinks(gated.content.body) : [gated.content]
  for (const piece of pieces) {
    const appleMessageId = randomUUID()
    const pieceKind = substitution !== undefined ? "text" : piece.type === "richLink" ? "richLink" : kind
    yield* appendMessage({
      interactionId: to.interactionId,
      direction: "out",
      authorKind: "bot",
      kind: pieceKind,
      body: {
        content: piece,
        ...(substitution !== undefined
          ? { substitution: { feature: substitution.feature, missing: substitution.missing, original: kind } }
          : {})
      },
      appleMessageId
    })
    yield* Turn.tell(
      AppleOutbound,
      senderId(to.businessId, to.opaqueId),
      Send.make({
        appleMessageId,
        businessId: to.businessId,
        customerId: to.opaqueId,
        content: piece,
        autoReply: true,
        ...(to.locale !== undefined ? { locale: to.locale } : {})
      })
    )
  }
})
