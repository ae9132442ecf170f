import { Schema } from "effect"
import { Payment } from "./ApplePay.ts"
import { Authenticate } from "./Authentication.ts"
import { Form } from "./Form.ts"
import { Bid, Bubble, Image } from "./InteractiveCommon.ts"
import { ListPicker } from "./ListPicker.ts"
import { QuickReply } from "./QuickReply.ts"
import { Event } from "./TimePicker.ts"

/** `interactiveData.data` as we send it; exactly one feature key is set (checked in `InteractiveRules`). */
export const InteractivePayload = Schema.Struct({
  version: Schema.optional(Schema.Literal("1.0")),
  /** Several Apple samples write `mspVersion` instead of `version`; Apple takes either. */
  mspVersion: Schema.optional(Schema.Literal("1.0")),
  requestIdentifier: Schema.NonEmptyString,
  images: Schema.optional(Schema.Array(Image)),
  listPicker: Schema.optional(ListPicker),
  event: Schema.optional(Event),
  "quick-reply": Schema.optional(QuickReply),
  authenticate: Schema.optional(Authenticate),
  payment: Schema.optional(Payment),
  dynamic: Schema.optional(Form)
})
export type InteractivePayload = typeof InteractivePayload.Type

/** Outbound `interactiveData`: Apple's built-in extension (with `data`) or a custom iMessage app. */
export const InteractiveData = Schema.Struct({
  bid: Bid,
  data: Schema.optional(InteractivePayload),
  receivedMessage: Schema.optional(Bubble),
  replyMessage: Schema.optional(Bubble),
  sessionIdentifier: Schema.optional(Schema.String),
  useLiveLayout: Schema.optional(Schema.Boolean),
  appId: Schema.optional(Schema.Union(Schema.Int, Schema.String)),
  appName: Schema.optional(Schema.String),
  appIcon: Schema.optional(Schema.String),
  URL: Schema.optional(Schema.String.pipe(Schema.maxLength(64 * 1024)))
})
export type InteractiveData = typeof InteractiveData.Type

export const FEATURES = ["listPicker", "event", "quick-reply", "authenticate", "payment", "dynamic"] as const
export type Feature = (typeof FEATURES)[number] | "iMessageApp"

/** The features present in a payload (valid outbound messages have exactly one). */
export const featuresOf = (data: InteractiveData): ReadonlyArray<Feature> => {
  const payload = data.data
  const builtIn = payload === undefined ? [] : FEATURES.filter((key) => payload[key] !== undefined)
  return data.appName !== undefined || data.URL !== undefined ? [...builtIn, "iMessageApp"] : builtIn
}

const Json = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** A bubble as the device sends it back: every field optional, extra fields kept. */
export const InboundBubble = Schema.Struct(
  {
    title: Schema.optional(Schema.String),
    subtitle: Schema.optional(Schema.String),
    style: Schema.optional(Schema.String),
    alternateTitle: Schema.optional(Schema.String)
  },
  Json
)

/**
 * Inbound `interactiveData` (a customer's reply). The reply shapes are an open question (docs/apple.md), so `data`
 * stays raw JSON here and `InteractiveReply` reads every plausible shape out of it; unknown keys are
 * kept so nothing is lost on the way to the conversation.
 */
export const InboundInteractiveData = Schema.Struct(
  {
    bid: Schema.optional(Schema.String),
    data: Schema.optional(Json),
    receivedMessage: Schema.optional(InboundBubble),
    replyMessage: Schema.optional(InboundBubble),
    sessionIdentifier: Schema.optional(Schema.String),
    URL: Schema.optional(Schema.String)
  },
  Json
)
export type InboundInteractiveData = typeof InboundInteractiveData.Type
