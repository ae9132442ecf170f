import { randomUUID } from "node:crypto"
import * as AppleForm from "../../apple/Form.ts"
import * as IMessageApp from "../../apple/IMessageApp.ts"
import * as ListPicker from "../../apple/ListPicker.ts"
import { interactive, type OutboundContent } from "../../apple/OutboundMessage.ts"
import * as QuickReply from "../../apple/QuickReply.ts"
import * as TimePicker from "../../apple/TimePicker.ts"
import { labelsCarryNumbers } from "./Choices.ts"
import type { FormField, Option } from "./Topic.ts"

/** Apple content for the agent's questions; the conversation gates each one by the device's capabilities. */

export interface Rendered {
  readonly content: OutboundContent
  /** The transcript's `kind` for it. */
  readonly kind: string
  readonly requestIdentifier?: string
}

/** A choice as text; labels that carry numbers of their own are listed, not numbered again. */
export const numbered = (prompt: string, options: ReadonlyArray<Option>): string => {
  const own = labelsCarryNumbers(options)
  const lines = options.map((o, i) => `${own ? "•" : `${i + 1}.`} ${o.title}${o.subtitle ? ` (${o.subtitle})` : ""}`)
  return `${prompt}\n${lines.join("\n")}\nReply with ${own ? "your choice" : "a number or a word"}.`
}

export const choice = (prompt: string, style: "list" | "quick", options: ReadonlyArray<Option>): Rendered => {
  if (style === "quick" && options.length >= 2 && options.length <= 5) {
    const built = QuickReply.make({
      summaryText: prompt,
      items: options.map((o) => ({ identifier: o.id, title: o.title }))
    })
    return { content: interactive(built), kind: "quickReply", requestIdentifier: built.data.requestIdentifier }
  }
  const built = ListPicker.make({
    title: prompt,
    replyTitle: "Selected",
    sections: [
      {
        items: options.map((o) => ({
          identifier: o.id,
          title: o.title,
          ...(o.subtitle !== undefined ? { subtitle: o.subtitle } : {})
        }))
      }
    ]
  })
  return { content: interactive(built), kind: "listPicker", requestIdentifier: built.data.requestIdentifier }
}

/** Prefilled inputs show their value as the placeholder; an empty answer keeps it. */
export const form = (title: string, fields: ReadonlyArray<FormField>, prefilled: Readonly<Record<string, string>>) => {
  const pages = fields.map((f): AppleForm.FormOptions["pages"][number] => {
    const base = { pageIdentifier: f.id, title: f.title }
    switch (f.type) {
      case "select":
        return {
          ...base,
          type: "select",
          multipleSelection: false,
          pageItems: (f.options ?? []).map((o) => ({ title: o.title, value: o.id, identifier: o.id }))
        }
      case "date":
        return { ...base, type: "datePicker", options: { dateFormat: "yyyy-MM-dd", required: f.required } }
      default: {
        const value = prefilled[f.id]
        return {
          ...base,
          type: "input",
          options: {
            required: f.required && value === undefined,
            inputType: f.prefill === "address" ? "multiline" : "singleline",
            ...(value !== undefined ? { placeholder: value } : {}),
            ...(f.prefill === "phone" ? { keyboardType: "phonePad", textContentType: "telephoneNumber" } : {})
          }
        }
      }
    }
  })
  const built = AppleForm.make({ title, pages, splash: { header: title, buttonTitle: "Start" } })
  return { content: interactive(built), kind: "form", requestIdentifier: built.data.requestIdentifier }
}

export interface Slot {
  readonly id: string
  readonly start: Date
  readonly minutes: number
}

export const slotLabel = (start: Date): string => `${start.toISOString().slice(0, 16).replace("T", " ")} UTC`

export const timePicker = (title: string, slots: ReadonlyArray<Slot>): Rendered => {
  const built = TimePicker.make({
    title,
    replyTitle: "Delivery scheduled",
    slots: slots.map((s) => ({ identifier: s.id, start: s.start, durationSeconds: s.minutes * 60 }))
  })
  return { content: interactive(built), kind: "timePicker", requestIdentifier: built.data.requestIdentifier }
}

/** The next `days` business days after `now`, at each of `hoursUtc`. */
export const deliverySlots = (now: Date, days: number, hoursUtc: ReadonlyArray<number>, minutes: number) => {
  const slots: Array<Slot> = []
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()))
  while (slots.length < days * hoursUtc.length) {
    day.setUTCDate(day.getUTCDate() + 1)
    if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue
    for (const hour of hoursUtc) {
      const start = new Date(day.getTime() + hour * 3_600_000)
      slots.push({ id: `slot-${start.toISOString().slice(0, 13)}`, start, minutes })
    }
  }
  return slots
}

/**
 * The slots for a custom iMessage app. Apple ignores `data` for custom apps, so the slots travel in
 * the URL the extension reads (`request`, then one `slot=<id>~<ISO start>~<minutes>` each); the app
 * answers with a URL carrying `slot=<id>` (see `Input.fromReply`).
 */
export const slotApp = (settings: IMessageApp.AppSettings, title: string, slots: ReadonlyArray<Slot>): Rendered => {
  const requestIdentifier = randomUUID()
  const query = new URLSearchParams({ request: requestIdentifier })
  for (const s of slots) query.append("slot", `${s.id}~${s.start.toISOString()}~${s.minutes}`)
  const app = IMessageApp.make({
    ...settings,
    url: `?${query.toString()}`,
    receivedMessage: { title, subtitle: "Tap to choose a time" },
    replyMessage: { title: "Delivery scheduled" }
  })
  return { content: interactive(app), kind: "imessageApp", requestIdentifier }
}
