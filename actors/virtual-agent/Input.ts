import type { InteractiveReply } from "../../apple/InteractiveReply.ts"

/** A customer's message as the virtual agent reads it. */
export type Input =
  | { readonly _tag: "Text"; readonly text: string }
  | { readonly _tag: "Picked"; readonly ids: ReadonlyArray<string>; readonly requestIdentifier?: string }
  | {
      readonly _tag: "FormAnswers"
      readonly values: Readonly<Record<string, string>>
      readonly requestIdentifier?: string
    }
  | { readonly _tag: "Slot"; readonly id: string; readonly requestIdentifier?: string }
  /** An attachment, a tapback or a reply we could not read: never an answer. */
  | { readonly _tag: "Other"; readonly what: string }

const rid = (reply: InteractiveReply) =>
  reply.requestIdentifier !== undefined ? { requestIdentifier: reply.requestIdentifier } : {}

export const fromReply = (reply: InteractiveReply): Input => {
  switch (reply._tag) {
    case "ListPickerReply":
      return { _tag: "Picked", ids: reply.selected.map((s) => s.identifier), ...rid(reply) }
    case "QuickReplyReply":
      return reply.identifier !== undefined
        ? { _tag: "Picked", ids: [reply.identifier], ...rid(reply) }
        : { _tag: "Other", what: "quick reply without a choice" }
    case "TimePickerReply":
      return reply.slot !== undefined
        ? { _tag: "Slot", id: reply.slot.identifier, ...rid(reply) }
        : { _tag: "Other", what: "time picker without a slot" }
    case "FormReply": {
      const values: Record<string, string> = {}
      for (const s of reply.selections) {
        const value = s.items.map((i) => i.value ?? i.title ?? "").join(", ")
        if (s.pageIdentifier !== undefined && value !== "") values[s.pageIdentifier] = value
      }
      return { _tag: "FormAnswers", values, ...rid(reply) }
    }
    case "AppReply": {
      // Custom iMessage app (docs/apple.md, "Open questions": the reply's shape is the app's own).
      // Ours answers with a URL carrying `slot=<id>` (and `request`); a reply that only echoes the
      // chosen slot's label as its summary is read as that text.
      const query = new URLSearchParams((reply.url ?? "").replace(/^[^?]*\?/, ""))
      const slot = query.get("slot")
      const request = query.get("request") ?? reply.requestIdentifier
      if (slot !== null && slot !== "")
        return {
          _tag: "Slot",
          id: slot.split("~")[0] ?? slot,
          ...(request !== undefined ? { requestIdentifier: request } : {})
        }
      return reply.summary !== undefined ? { _tag: "Text", text: reply.summary } : { _tag: "Other", what: "app reply" }
    }
    default:
      return { _tag: "Other", what: reply._tag }
  }
}
