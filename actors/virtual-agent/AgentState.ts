import { Schema } from "effect"
import { FormField, Option } from "./Topic.ts"

/** What the virtual agent last asked and is waiting for; persisted with the conversation. */
export const Pending = Schema.Union(
  Schema.TaggedStruct("Choice", {
    options: Schema.Array(Option),
    /** A topic variable, or one of the agent's own questions (`menu`, `more`, `agent`). */
    save: Schema.String,
    requestIdentifier: Schema.optional(Schema.String),
    /** Shown as a numbered list (a text fallback), so a typed number may be a position. */
    numbered: Schema.optional(Schema.Boolean)
  }),
  Schema.TaggedStruct("Text", { save: Schema.String, optional: Schema.Boolean, number: Schema.Boolean }),
  Schema.TaggedStruct("Form", { fields: Schema.Array(FormField), requestIdentifier: Schema.optional(Schema.String) }),
  /** The text fallback of a form: one field at a time. */
  Schema.TaggedStruct("FormField", { fields: Schema.Array(FormField), index: Schema.Int }),
  Schema.TaggedStruct("Slot", {
    slots: Schema.Array(Schema.Struct({ id: Schema.String, start: Schema.String, label: Schema.String })),
    save: Schema.String,
    requestIdentifier: Schema.optional(Schema.String)
  })
)
export type Pending = typeof Pending.Type

export const AgentState = Schema.Struct({
  topic: Schema.optional(Schema.String),
  step: Schema.Int,
  vars: Schema.Record({ key: Schema.String, value: Schema.String }),
  pending: Schema.optional(Pending),
  /** Answers in a row the agent could not understand; two offer a live agent. */
  misses: Schema.Int,
  /** Topics the customer asked for in the same message as the current one, to offer once it ends. */
  later: Schema.optional(Schema.Array(Schema.String))
})
export type AgentState = typeof AgentState.Type

export const initial: AgentState = { step: 0, vars: {}, misses: 0 }

/** The agent's own questions, kept apart from topic variables. */
export const own = {
  menu: "@menu",
  more: "@more",
  agent: "@agent",
  /** "Which first?" or "Did you mean…?": the answer is a topic id, or `none`. */
  clarify: "@clarify",
  /** "Shall we go on with …?" after a topic, for the next one the customer asked for. */
  later: "@later",
  /** The message a clarifying question was about (a knowledge search reads it). */
  utterance: "@utterance",
  act: "@act"
} as const
