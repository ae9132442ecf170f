import { Schema } from "effect"

/**
 * Topics are data: an ordered list of steps the runner walks, one customer answer at a time. Values
 * the customer gives are saved under `save` keys and read back in `{key}` placeholders.
 */

export const Option = Schema.Struct({
  id: Schema.NonEmptyString,
  title: Schema.NonEmptyString,
  subtitle: Schema.optional(Schema.String),
  /** Other words a customer may type for this option (text fallback). */
  synonyms: Schema.optional(Schema.Array(Schema.String))
})
export type Option = typeof Option.Type

/** Where a choice's options come from when they are not fixed: looked up for this customer at run time. */
export const OptionSource = Schema.Literal("cards", "catalog")
export type OptionSource = typeof OptionSource.Type

export const Say = Schema.TaggedStruct("Say", { text: Schema.NonEmptyString })

export const AskText = Schema.TaggedStruct("AskText", {
  prompt: Schema.NonEmptyString,
  save: Schema.NonEmptyString,
  /** The customer may answer "skip". */
  optional: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** Skipped when the value is already known (e.g. the question came with the intent). */
  unlessKnown: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  /** A positive whole number is expected. */
  number: Schema.optionalWith(Schema.Boolean, { default: () => false })
})

export const Choose = Schema.TaggedStruct("Choose", {
  prompt: Schema.NonEmptyString,
  /** `list`: list picker (capability LIST); `quick`: quick reply (QUICK, 2–5 options). */
  style: Schema.Literal("list", "quick"),
  options: Schema.optional(Schema.Array(Option)),
  source: Schema.optional(OptionSource),
  save: Schema.NonEmptyString
}).pipe(
  Schema.filter((s) =>
    (s.options === undefined) !== (s.source === undefined) ? undefined : "a choice has either options or a source"
  ),
  Schema.filter((s) =>
    s.style !== "quick" || s.options === undefined || (s.options.length >= 2 && s.options.length <= 5)
      ? undefined
      : "a quick reply has 2 to 5 options"
  )
)

export const FormField = Schema.Struct({
  id: Schema.NonEmptyString.pipe(Schema.maxLength(19)),
  type: Schema.Literal("select", "date", "input"),
  title: Schema.NonEmptyString,
  options: Schema.optional(Schema.Array(Option)),
  /** Filled in from the customer's record; they may keep or change it. */
  prefill: Schema.optional(Schema.Literal("address", "phone")),
  /** What a typed answer to an input must look like (checked when the form is answered in text). */
  format: Schema.optional(Schema.Literal("phone", "address")),
  required: Schema.optionalWith(Schema.Boolean, { default: () => true })
})
export type FormField = typeof FormField.Type

export const Form = Schema.TaggedStruct("Form", {
  title: Schema.NonEmptyString,
  fields: Schema.Array(FormField).pipe(Schema.minItems(1))
})

export const PickTime = Schema.TaggedStruct("PickTime", {
  title: Schema.NonEmptyString,
  save: Schema.NonEmptyString,
  /** Slots on the next `days` business days, at these UTC hours, each `minutes` long. */
  days: Schema.Int.pipe(Schema.between(1, 10)),
  hoursUtc: Schema.Array(Schema.Int.pipe(Schema.between(0, 23))).pipe(Schema.minItems(1)),
  minutes: Schema.Int.pipe(Schema.positive()),
  /**
   * A custom iMessage app (by its configured name, `APPLE_IMESSAGE_APPS`) to pick the slot with
   * instead of Apple's time picker, where the deployment configures it and the device is an
   * iPhone or iPad; elsewhere the time picker (or its text fallback) is used.
   */
  app: Schema.optional(Schema.NonEmptyString)
})

export const Lookup = Schema.TaggedStruct("Lookup", {
  what: Schema.Literal("knowledge", "openCases"),
  /** The search text (knowledge). */
  from: Schema.optional(Schema.String)
})

export const Create = Schema.TaggedStruct("Create", {
  record: Schema.Literal("replacementOrder", "case", "catalogRequest", "feedback")
})

export const HandOff = Schema.TaggedStruct("HandOff", { reason: Schema.NonEmptyString })

export const End = Schema.TaggedStruct("End", {
  /** `askMore`: "anything else?"; `close`: the conversation is done (after feedback). */
  after: Schema.Literal("askMore", "close")
})

export const Step = Schema.Union(Say, AskText, Choose, Form, PickTime, Lookup, Create, HandOff, End)
export type Step = typeof Step.Type

/** What a customer's message says, as a message is recognised to be about this topic (see `Understanding.ts`). */
export const Act = Schema.Literal("question", "request")
export type Act = typeof Act.Type

export const Understanding = Schema.Struct({
  /** Phrases that name the topic: their words are matched as lemmas, in order, a few other words allowed between. */
  phrases: Schema.Array(Schema.NonEmptyString).pipe(Schema.minItems(1)),
  /** Messages customers write about it: a message that shares their words leans to the topic. */
  examples: Schema.Array(Schema.NonEmptyString).pipe(Schema.minItems(3)),
  /** Questions ("how do I…?"), requests ("I need…"), or both; the other kind leans away from it. */
  serves: Schema.Array(Act).pipe(Schema.minItems(1)),
  /**
   * Said in passing ("thanks", "can a person help"): never one of several intents, and any other
   * topic named in the same message comes first.
   */
  secondary: Schema.optionalWith(Schema.Boolean, { default: () => false })
})
export type Understanding = typeof Understanding.Type

export const Topic = Schema.Struct({
  id: Schema.NonEmptyString,
  title: Schema.NonEmptyString,
  understanding: Understanding,
  /** Recorded on the interaction (topic, intent, the bot's outcome) and counted in the virtual-agent report. */
  tracked: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  /** Needs an identified customer (their cards, their cases). */
  needsCustomer: Schema.Boolean,
  /** Offered in the "How can I help?" menu. */
  inMenu: Schema.Boolean,
  steps: Schema.Array(Step).pipe(Schema.minItems(1))
})
export type Topic = typeof Topic.Type
export type TopicEncoded = typeof Topic.Encoded
