import { Schema } from "effect"
import type { InboundInteractiveData } from "./Interactive.ts"

/**
 * A customer's answer to an interactive message, read out of whatever shape it came in. Apple's
 * reply schemas could not be read (docs/apple.md, "Open questions"), so each reader accepts every shape seen:
 *
 * - list picker: `data.listPicker.sections[].items[]` holding only the chosen items, or every item
 *   with the chosen ones flagged `selected: true` (what the simulator sends), a flat
 *   `listPicker.selectedItems[]` (Webex), or only `replyMessage.title` (Tock) — then `selected` is
 *   empty and `summary` carries the title.
 * - time picker: `data.event.timeslots[0]` (what the simulator sends) or `event.selectedTimeslot`.
 * - quick reply: `data["quick-reply"].selectedIdentifier` or `selectedIndex` (number or string,
 *   into the echoed `items`); the simulator sends `selectedIndex` with the items echoed.
 * - form: `data.dynamic.selections[]` of `{pageIdentifier, title, items[{title, value}]}`
 *   (what the simulator sends, template `messageForms`).
 * - authentication: `data.authenticate.status` (`authenticated` on success), `token` for legacy
 *   AUTH, `errors` on failure; the simulator sends exactly these.
 * - Apple Pay: `data.payment.status` as boolean or string (`success`/`STATUS_SUCCESS`…); the
 *   simulator sends `{ status: true }`.
 */
const Selected = Schema.Struct({ identifier: Schema.String, title: Schema.optional(Schema.String) })

const common = {
  requestIdentifier: Schema.optional(Schema.String),
  /** The reply bubble's title: the device's own summary of the answer. */
  summary: Schema.optional(Schema.String)
}

export const InteractiveReply = Schema.Union(
  Schema.TaggedStruct("ListPickerReply", { ...common, selected: Schema.Array(Selected) }),
  Schema.TaggedStruct("TimePickerReply", {
    ...common,
    slot: Schema.optional(
      Schema.Struct({
        identifier: Schema.String,
        startTime: Schema.optional(Schema.String),
        duration: Schema.optional(Schema.Number)
      })
    )
  }),
  Schema.TaggedStruct("QuickReplyReply", {
    ...common,
    identifier: Schema.optional(Schema.String),
    index: Schema.optional(Schema.Int)
  }),
  Schema.TaggedStruct("FormReply", {
    ...common,
    selections: Schema.Array(
      Schema.Struct({
        pageIdentifier: Schema.optional(Schema.String),
        title: Schema.optional(Schema.String),
        items: Schema.Array(
          Schema.Struct({ title: Schema.optional(Schema.String), value: Schema.optional(Schema.String) })
        )
      })
    )
  }),
  Schema.TaggedStruct("AuthenticationReply", {
    ...common,
    status: Schema.String,
    token: Schema.optional(Schema.String),
    errors: Schema.optional(Schema.Array(Schema.Unknown))
  }),
  Schema.TaggedStruct("PaymentReply", { ...common, success: Schema.Boolean }),
  Schema.TaggedStruct("AppReply", { ...common, url: Schema.optional(Schema.String) }),
  Schema.TaggedStruct("UnknownReply", common)
)
export type InteractiveReply = typeof InteractiveReply.Type

type Json = { readonly [key: string]: unknown }
const obj = (value: unknown): Json | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : undefined
const arr = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])
const str = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined

const selectedItem = (value: unknown): ReadonlyArray<typeof Selected.Type> => {
  const item = obj(value)
  const identifier = str(item?.identifier)
  if (item === undefined || identifier === undefined || selectionFlag(item) === false) return []
  const title = str(item.title)
  return [{ identifier, ...(title !== undefined ? { title } : {}) }]
}

/** An item's own selection flag, in the spellings seen (`selected`, `isSelected`; boolean, string or 0/1). */
const selectionFlag = (value: unknown): boolean | undefined => {
  const item = obj(value)
  const flag = item?.selected ?? item?.isSelected
  if (flag === true || flag === "true" || flag === 1) return true
  if (flag === false || flag === "false" || flag === 0) return false
  return undefined
}

/**
 * The chosen items. A reply may echo every item of the picker: then only those flagged selected
 * count; without flags, only those the device's summary names (when it names some but not all);
 * a reply holding only the chosen items is read as is.
 */
const listPicker = (picker: Json, summary: string | undefined): ReadonlyArray<typeof Selected.Type> => {
  const flat = arr(picker.selectedItems).flatMap(selectedItem)
  if (flat.length > 0 || Array.isArray(picker.otherItems)) return flat
  const items = arr(picker.sections).flatMap((s) => arr(obj(s)?.items))
  const flags = items.map(selectionFlag)
  if (flags.some((flag) => flag !== undefined)) return items.filter((_, i) => flags[i] === true).flatMap(selectedItem)
  if (summary !== undefined) {
    const named = items.filter((i) => {
      const title = str(obj(i)?.title)
      return title !== undefined && title.length > 0 && summary.includes(title)
    })
    if (named.length > 0 && named.length < items.length) return named.flatMap(selectedItem)
  }
  return items.flatMap(selectedItem)
}

const quickReplyIndex = (value: unknown): number | undefined => {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : undefined
}

const paymentSuccess = (status: unknown): boolean =>
  status === true || (typeof status === "string" && /^(true|success|status_success|authorized)$/i.test(status))

export const fromInteractiveData = (interactive: InboundInteractiveData): InteractiveReply => {
  const data = obj(interactive.data) ?? {}
  const requestIdentifier = str(data.requestIdentifier)
  const summary = str(obj(data.replyMessage)?.title) ?? interactive.replyMessage?.title
  const base = {
    ...(requestIdentifier !== undefined ? { requestIdentifier } : {}),
    ...(summary !== undefined ? { summary } : {})
  }
  const picker = obj(data.listPicker)
  if (picker !== undefined) return { _tag: "ListPickerReply", ...base, selected: listPicker(picker, summary) }
  const event = obj(data.event)
  if (event !== undefined) {
    const slot = obj(event.selectedTimeslot) ?? obj(event.selectedTimeSlot) ?? obj(arr(event.timeslots)[0])
    const identifier = str(slot?.identifier)
    const startTime = str(slot?.startTime)
    const duration = typeof slot?.duration === "number" ? slot.duration : undefined
    return {
      _tag: "TimePickerReply",
      ...base,
      ...(identifier !== undefined
        ? {
            slot: {
              identifier,
              ...(startTime !== undefined ? { startTime } : {}),
              ...(duration !== undefined ? { duration } : {})
            }
          }
        : {})
    }
  }
  const quick = obj(data["quick-reply"])
  if (quick !== undefined) {
    const index = quickReplyIndex(quick.selectedIndex)
    const identifier =
      str(quick.selectedIdentifier) ?? (index !== undefined ? str(obj(arr(quick.items)[index])?.identifier) : undefined)
    return {
      _tag: "QuickReplyReply",
      ...base,
      ...(identifier !== undefined ? { identifier } : {}),
      ...(index !== undefined ? { index } : {})
    }
  }
  const dynamic = obj(data.dynamic)
  if (dynamic !== undefined) {
    const selections = arr(dynamic.selections).flatMap((s) => {
      const sel = obj(s)
      if (sel === undefined) return []
      const pageIdentifier = str(sel.pageIdentifier)
      const title = str(sel.title)
      const items = arr(sel.items).flatMap((i) => {
        const item = obj(i)
        if (item === undefined) return []
        const t = str(item.title)
        const v = str(item.value)
        return [{ ...(t !== undefined ? { title: t } : {}), ...(v !== undefined ? { value: v } : {}) }]
      })
      return [
        {
          ...(pageIdentifier !== undefined ? { pageIdentifier } : {}),
          ...(title !== undefined ? { title } : {}),
          items
        }
      ]
    })
    return { _tag: "FormReply", ...base, selections }
  }
  const auth = obj(data.authenticate)
  if (auth !== undefined) {
    const token = str(auth.token)
    return {
      _tag: "AuthenticationReply",
      ...base,
      status: str(auth.status) ?? "unknown",
      ...(token !== undefined ? { token } : {}),
      ...(Array.isArray(auth.errors) ? { errors: auth.errors } : {})
    }
  }
  const payment = obj(data.payment)
  if (payment !== undefined) return { _tag: "PaymentReply", ...base, success: paymentSuccess(payment.status) }
  if (interactive.URL !== undefined) return { _tag: "AppReply", ...base, url: interactive.URL }
  return { _tag: "UnknownReply", ...base }
}
