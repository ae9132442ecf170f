import { createHash, randomUUID } from "node:crypto"
import { Effect, Option } from "effect"
import { gate, receivesFiles } from "../../apple/CapabilityGate.ts"
import { type Feature, featuresOf } from "../../apple/Interactive.ts"
import { type OutboundContent, typingEnd, typingStart } from "../../apple/OutboundMessage.ts"
import { splitLinks } from "../../apple/RichLink.ts"
import { linkAttachments, recordAttachments } from "../../db/queries/attachments.ts"
import { appendMessage, type NewMessage, recordMessage } from "../../db/queries/messages.ts"
import type { Message } from "../../db/schema/interactions.ts"
import type { InboundFile, KeptFile } from "../attachments/FileRef.ts"
import * as Outgoing from "./Outgoing.ts"

/** Whom a conversation writes to and what their device can show. */
export interface Recipient {
  readonly businessId: string
  readonly opaqueId: string
  readonly interactionId: string
  readonly capabilities: ReadonlyArray<string>
  readonly deviceAgent: string | undefined
  readonly locale: string | undefined
}

/** A customer's line of the transcript. */
const inbound = (
  to: Recipient,
  appleMessageId: string,
  kind: string,
  body: Readonly<Record<string, unknown>>
): NewMessage => ({
  interactionId: to.interactionId,
  direction: "in",
  authorKind: "customer",
  kind,
  body,
  appleMessageId
})

/** A customer's message, once per Apple message id (a redelivery finds the line already there). */
export const recordInbound = (
  to: Recipient,
  appleMessageId: string,
  kind: string,
  body: Readonly<Record<string, unknown>>
) => appendMessage(inbound(to, appleMessageId, kind, body))

/**
 * `recordInbound` when nothing needs the line back (no files to link, no live agent to show it):
 * it goes out with the turn's other writes. The turn checked the Apple message id first
 * (`hasAppleMessage`), so a redelivery never gets here.
 */
export const writeInbound = (
  to: Recipient,
  appleMessageId: string,
  kind: string,
  body: Readonly<Record<string, unknown>>
) => recordMessage(inbound(to, appleMessageId, kind, body))

/** Links the files kept from a customer's message to its transcript line (`attachments` rows). */
export const recordFiles = (to: Recipient, messageId: number, files: ReadonlyArray<InboundFile>) =>
  recordAttachments(
    files.flatMap((file) =>
      file._tag === "Kept"
        ? [
            {
              id: file.id,
              interactionId: to.interactionId,
              messageId,
              direction: "in" as const,
              name: file.name,
              contentType: file.mimeType,
              size: file.size
            }
          ]
        : []
    )
  )

export const note = (to: Recipient, kind: string, body: Readonly<Record<string, unknown>>) =>
  recordMessage({ interactionId: to.interactionId, direction: "out", authorKind: "system", kind, body })

/**
 * Sends bot content: gated by the device's capabilities (a text fallback, recorded as a
 * substitution), URLs split into rich links, each piece written to the transcript under the Apple
 * message id it is sent with, and handed to the customer's Apple sender in the same turn. The
 * lines go out with the turn's other writes (`recordMessage`); `sendBotLines` when a live agent
 * must be shown them.
 */
export const sendBot = (to: Recipient, content: OutboundContent, kind: string) =>
  Effect.asVoid(botPieces(to, content, kind, false))

/** `sendBot`, returning the transcript lines it wrote (read back, for relaying to a live agent). */
export const sendBotLines = (to: Recipient, content: OutboundContent, kind: string) =>
  botPieces(to, content, kind, true)

const botPieces = Effect.fnUntraced(function* (
  to: Recipient,
  content: OutboundContent,
  kind: string,
  readBack: boolean
) {
  const lines: Array<Message> = []
  const gated = gate(to.capabilities, content, to.deviceAgent !== undefined ? { deviceAgent: to.deviceAgent } : {})
  const substitution = Option.getOrUndefined(gated.substitution)
  const pieces = gated.content.type === "text" ? splitLinks(gated.content.body) : [gated.content]
  for (const piece of pieces) {
    const appleMessageId = randomUUID()
    const pieceKind = substitution !== undefined ? "text" : piece.type === "richLink" ? "richLink" : kind
    const line: NewMessage = {
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
    }
    if (readBack) {
      const appended = yield* appendMessage(line)
      if (appended.message !== undefined) lines.push(appended.message)
    } else {
      yield* recordMessage(line)
    }
    yield* toApple(to, appleMessageId, piece, true)
  }
  return lines
})

/** Gathered with the rest of the turn's answer (`Outgoing`), which reaches the sender as one message. */
const toApple = (to: Recipient, appleMessageId: string, content: OutboundContent, autoReply: boolean) =>
  Outgoing.send(to, { appleMessageId, content, autoReply })

const featureKind: Record<Feature, string> = {
  listPicker: "listPicker",
  event: "timePicker",
  "quick-reply": "quickReply",
  dynamic: "form",
  authenticate: "authenticate",
  payment: "payment",
  iMessageApp: "iMessageApp"
}

const kindOf = (content: OutboundContent): string =>
  content.type !== "interactive"
    ? content.type
    : "interactiveData" in content
      ? featureKind[featuresOf(content.interactiveData)[0] ?? "iMessageApp"]
      : "interactive"

/**
 * The Apple id of piece `index` of an agent's message: derived from the workspace's own id, so a
 * retried send finds its line in the transcript (the Apple id is unique) and is not sent twice.
 */
const agentMessageId = (interactionId: string, clientMessageId: string, index: number): string => {
  const h = createHash("sha256").update(`${interactionId}\n${clientMessageId}\n${index}`).digest("hex")
  const variant = ((Number.parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export type AgentSent =
  | { readonly _tag: "Sent"; readonly lines: ReadonlyArray<Message>; readonly repeated: boolean }
  | { readonly _tag: "Refused"; readonly reason: string }

/**
 * Sends what a live agent wrote. Unlike the bot's, it is never substituted: content the device
 * cannot show is refused with the reason, so the agent can choose what to send instead. A person
 * wrote it, so `auto-reply` is false.
 */
export const sendAgent = Effect.fnUntraced(function* (
  to: Recipient,
  agentId: string,
  clientMessageId: string,
  content: OutboundContent,
  files: ReadonlyArray<KeptFile> = []
) {
  if (content.type === "typing_start" || content.type === "typing_end")
    return { _tag: "Refused", reason: "typing is not a message" } as AgentSent
  if (files.length > 0 && !receivesFiles(to.deviceAgent))
    return { _tag: "Refused", reason: "the customer's device cannot receive files (Apple Watch)" } as AgentSent
  if (files.length > 0) return yield* sendFiles(to, agentId, clientMessageId, content, files)
  const gated = gate(to.capabilities, content, to.deviceAgent !== undefined ? { deviceAgent: to.deviceAgent } : {})
  const substitution = Option.getOrUndefined(gated.substitution)
  if (substitution !== undefined) {
    const reason = `the customer's device cannot show ${substitution.feature} (needs ${substitution.missing})`
    return { _tag: "Refused", reason } as AgentSent
  }
  const pieces = content.type === "text" && content.attachments === undefined ? splitLinks(content.body) : [content]
  const lines: Array<Message> = []
  let repeated = false
  for (const [index, piece] of pieces.entries()) {
    const appleMessageId = agentMessageId(to.interactionId, clientMessageId, index)
    const appended = yield* appendMessage({
      interactionId: to.interactionId,
      direction: "out",
      authorKind: "agent",
      authorUserId: agentId,
      kind: kindOf(piece),
      body: { content: piece, clientMessageId },
      appleMessageId
    })
    if (appended.message !== undefined) lines.push(appended.message)
    if (appended.inserted) yield* toApple(to, appleMessageId, piece, false)
    else repeated = true
  }
  return { _tag: "Sent", lines, repeated } as AgentSent
})

/** A text with the agent's files, as one transcript line (kind `attachment`) linked to the files' rows. */
const sendFiles = (
  to: Recipient,
  agentId: string,
  clientMessageId: string,
  content: OutboundContent,
  files: ReadonlyArray<KeptFile>
) =>
  Effect.gen(function* () {
    const appleMessageId = agentMessageId(to.interactionId, clientMessageId, 0)
    const appended = yield* appendMessage({
      interactionId: to.interactionId,
      direction: "out",
      authorKind: "agent",
      authorUserId: agentId,
      kind: "attachment",
      body: {
        content,
        clientMessageId,
        attachments: files.map((f) => ({ id: f.id, name: f.name, mimeType: f.mimeType, size: f.size }))
      },
      appleMessageId
    })
    const line = appended.message
    if (line !== undefined)
      yield* linkAttachments(
        to.interactionId,
        files.map((f) => f.id),
        line.id
      )
    if (appended.inserted) yield* Outgoing.send(to, { appleMessageId, content, autoReply: false, files })
    const sent: AgentSent = { _tag: "Sent", lines: line === undefined ? [] : [line], repeated: !appended.inserted }
    return sent
  })

/** The agent's typing indicator: shown to the customer, never kept in the transcript. */
export const sendTyping = (to: Recipient, active: boolean) =>
  toApple(to, randomUUID(), active ? typingStart : typingEnd, false)
