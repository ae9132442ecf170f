import type { InboundEnvelope } from "../../apple/InboundEnvelope.ts"
import { fromInteractiveData, type InteractiveReply } from "../../apple/InteractiveReply.ts"
import type { InboundFile } from "../attachments/FileRef.ts"
import { fromReply, type Input } from "../virtual-agent/Input.ts"

/** A customer message read for the transcript and for the virtual agent. */
export interface CustomerInput {
  /** The transcript's `kind`. */
  readonly kind: string
  readonly body: Readonly<Record<string, unknown>>
  readonly input: Input
  readonly reply?: InteractiveReply
  /** Fetching part of it from Apple failed after retries (recorded, never fatal). */
  readonly problem?: string
}

const replyKind: Record<InteractiveReply["_tag"], string> = {
  ListPickerReply: "listPicker",
  TimePickerReply: "timePicker",
  QuickReplyReply: "quickReply",
  FormReply: "form",
  AuthenticationReply: "authenticate",
  PaymentReply: "payment",
  AppReply: "iMessageApp",
  UnknownReply: "interactive"
}

/** What the device says about the reply, without the echoed images (they can be large and carry nothing new). */
const replyBody = (reply: InteractiveReply) => ({ reply })

/** How a file shows in the transcript's body (`attachments`): kept ones by id, the others with why not. */
const fileLine = (file: InboundFile) =>
  file._tag === "Kept"
    ? { id: file.id, name: file.name, mimeType: file.mimeType, size: file.size }
    : file._tag === "Refused"
      ? { name: file.name, mimeType: file.mimeType, refused: file.reason }
      : { name: file.name, mimeType: file.mimeType, failed: file.error }

/**
 * `files`: the message's attachments as the `prepare` step fetched them (`InboundFiles.ts`);
 * `dataProblem`: why that step could not fetch an interactive reply sent by reference
 * (`InboundData.ts`). Nothing here calls out: it runs inside the turn's transaction.
 */
export const read = (
  envelope: InboundEnvelope,
  files: ReadonlyArray<InboundFile>,
  dataProblem: string | undefined
): CustomerInput => {
  const message = envelope.message
  if (message.type === "text") {
    const attachments = message.attachments ?? []
    const problems = files.flatMap((file) =>
      file._tag === "Refused"
        ? [`attachment refused (${file.reason}): ${file.name}`]
        : file._tag === "Unfetched"
          ? [`attachment ${file.name}: ${file.error}`]
          : []
    )
    const lines = files.map(fileLine)
    const body = message.body.replace(/\uFFFC/g, "").trim()
    const result: CustomerInput = {
      kind: attachments.length > 0 ? "attachment" : envelope.tapback !== undefined ? "tapback" : "text",
      body: {
        text: message.body,
        ...(lines.length > 0 ? { attachments: lines } : {}),
        ...(envelope.tapback !== undefined ? { tapback: envelope.tapback } : {})
      },
      input:
        envelope.tapback !== undefined
          ? { _tag: "Other", what: "tapback" }
          : body === ""
            ? { _tag: "Other", what: "attachment" }
            : { _tag: "Text", text: body },
      ...(problems.length > 0 ? { problem: problems.join("; ") } : {})
    }
    return result
  }
  if (message.type === "other")
    return {
      kind: "unknown",
      body: { type: message.wireType, fields: message.fields },
      input: { _tag: "Other", what: `unknown message type ${message.wireType}` }
    } satisfies CustomerInput
  if (message.type !== "interactive")
    return { kind: message.type, body: {}, input: { _tag: "Other", what: message.type } } as CustomerInput
  const data = message.interactiveData
  if (data === undefined) {
    const result: CustomerInput = {
      kind: "interactive",
      body: { unreadable: true },
      input: { _tag: "Other", what: "unreadable interactive reply" },
      problem: dataProblem ?? "interactive reply without data"
    }
    return result
  }
  const reply = fromInteractiveData(data)
  const result: CustomerInput = {
    kind: replyKind[reply._tag],
    body: replyBody(reply),
    input: fromReply(reply),
    reply
  }
  return result
}
