import { Option } from "effect"
import { capabilityOf } from "./Authentication.ts"
import { isIosDevice } from "./Headers.ts"
import { type Feature, featuresOf, type InteractiveData } from "./Interactive.ts"
import type { OutboundContent } from "./OutboundMessage.ts"
import { parseStartTime } from "./TimePicker.ts"

/** What a message needs from the device: a capability-list entry, or an iPhone/iPad. */
export type Requirement = "QUICK" | "LIST" | "TIME" | "FORM" | "AUTH" | "AUTH2" | "IOS_DEVICE"

export interface Substitution {
  readonly feature: Feature
  readonly missing: Requirement
  readonly fallback: string
}

export interface Gated {
  readonly content: OutboundContent
  readonly substitution: Option.Option<Substitution>
}

const byFeature: Record<Exclude<Feature, "authenticate">, ReadonlyArray<Requirement>> = {
  listPicker: ["LIST"],
  event: ["TIME"],
  "quick-reply": ["QUICK"],
  dynamic: ["FORM", "IOS_DEVICE"],
  iMessageApp: ["IOS_DEVICE"],
  payment: []
}

export const requirements = (data: InteractiveData): ReadonlyArray<Requirement> => {
  const auth = data.data?.authenticate
  return featuresOf(data).flatMap((feature) =>
    feature === "authenticate" ? (auth !== undefined ? [capabilityOf(auth)] : []) : byFeature[feature]
  )
}

const numbered = (lines: ReadonlyArray<string>): string => lines.map((line, i) => `${i + 1}. ${line}`).join("\n")

/** Choices whose labels carry numbers of their own ("5 Excellent") are not numbered again: "1. 5 Excellent" invites a wrong "5". */
const ownNumbers = (labels: ReadonlyArray<string>): boolean => labels.some((label) => /^\d/.test(label.trim()))
const choices = (labels: ReadonlyArray<string>): string =>
  ownNumbers(labels) ? labels.map((label) => `• ${label}`).join("\n") : numbered(labels)

const slotText = (startTime: string, duration: number): string => {
  const start = parseStartTime(startTime)
  const when = start === undefined ? startTime : `${start.toISOString().slice(0, 16).replace("T", " ")} UTC`
  return `${when} (${Math.round(duration / 60)} min)`
}

/** Plain text that carries the same question, for devices that cannot show the interactive one. */
export const fallbackText = (data: InteractiveData): string => {
  const payload = data.data
  const title = data.receivedMessage?.title
  if (payload?.listPicker !== undefined) {
    const items = payload.listPicker.sections.flatMap((s) => s.items.map((i) => i.title))
    const reply = ownNumbers(items) ? "Reply with your choice." : "Reply with the number of your choice."
    return `${title ?? "Please choose"}\n${choices(items)}\n${reply}`
  }
  if (payload?.event !== undefined) {
    const slots = payload.event.timeslots.map((s) => slotText(s.startTime, s.duration))
    return `${title ?? payload.event.title}\n${numbered(slots)}\nReply with the number of the time that suits you.`
  }
  const quick = payload?.["quick-reply"]
  if (quick !== undefined) return `${quick.summaryText}\n${choices(quick.items.map((i) => i.title))}`
  if (payload?.dynamic !== undefined) {
    const questions = payload.dynamic.data.pages.map((p) => p.title)
    return `${title ?? "A few questions"}\nPlease answer in your reply:\n${numbered(questions)}`
  }
  if (payload?.authenticate !== undefined)
    return `${title ?? "Sign in"}: this device cannot sign in here. Reply "agent" and a person will help you.`
  return `${title ?? "This message"} can only be shown on an iPhone or iPad.`
}

const missingOf = (
  required: ReadonlyArray<Requirement>,
  capabilities: ReadonlySet<string>,
  deviceAgent: string | undefined
): Requirement | undefined =>
  required.find((r) => (r === "IOS_DEVICE" ? !isIosDevice(deviceAgent) : !capabilities.has(r)))

/**
 * The one place that decides whether a customer's device can show a message: either the message
 * itself, or a text fallback and a record of what was substituted and why.
 */
export const gate = (
  capabilityList: ReadonlyArray<string>,
  content: OutboundContent,
  options: { readonly deviceAgent?: string; readonly fallback?: string } = {}
): Gated => {
  if (content.type !== "interactive" || !("interactiveData" in content)) return { content, substitution: Option.none() }
  const capabilities = new Set(capabilityList.map((c) => c.toUpperCase()))
  const missing = missingOf(requirements(content.interactiveData), capabilities, options.deviceAgent)
  if (missing === undefined) return { content, substitution: Option.none() }
  const fallback = options.fallback ?? fallbackText(content.interactiveData)
  const feature = featuresOf(content.interactiveData)[0] ?? "iMessageApp"
  return { content: { type: "text", body: fallback }, substitution: Option.some({ feature, missing, fallback }) }
}

/** What the device lacks to show it as is, if anything (the simulator's compliance check). */
export const missingRequirement = (
  capabilityList: ReadonlyArray<string>,
  data: InteractiveData,
  deviceAgent: string | undefined
): Requirement | undefined =>
  missingOf(requirements(data), new Set(capabilityList.map((c) => c.toUpperCase())), deviceAgent)

/**
 * Whether the device can open files sent to it. Apple lists no capability for attachments; a Watch
 * shows only quick replies, pickers and text (docs/apple.md, "Devices"), so files go to every
 * other device and never to a Watch.
 */
export const receivesFiles = (deviceAgent: string | undefined): boolean =>
  deviceAgent === undefined || !/watch/i.test(deviceAgent)
