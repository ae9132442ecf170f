import { Clock, Effect } from "effect"
import { text } from "../../apple/OutboundMessage.ts"
import * as Actions from "./Actions.ts"
import { type AgentState, own, type Pending } from "./AgentState.ts"
import { optionOf } from "./Choices.ts"
import { isBack, readField } from "./Fields.ts"
import type { Input } from "./Input.ts"
import { commandOf, isSkip } from "./Intent.ts"
import { ask, askField, handOff, menu, offerAgent, recordTopic, run, type Session, startTopic } from "./Runner.ts"
import type { Act, Option } from "./Topic.ts"
import { topicById, topics } from "./Topics.ts"
import { understand } from "./Understanding.ts"

/**
 * The input side of the virtual agent: whether a message answers what was asked, and what happens
 * when it does not (another topic, a command, or a misunderstanding; two in a row offer a person).
 */

const optionFor = (input: Input, pending: Extract<Pending, { _tag: "Choice" }>): Option | undefined =>
  input._tag === "Picked"
    ? pending.options.find((o) => o.id === input.ids[0])
    : input._tag === "Text"
      ? optionOf(input.text, pending.options, pending.numbered === true)
      : undefined

/** Misunderstood answers in a row after which a live agent is offered. */
const patience = 3

const next = (s: Session, state: AgentState, vars: Readonly<Record<string, string>>) =>
  run(s, { ...state, vars: { ...state.vars, ...vars }, step: state.step + 1, pending: undefined, misses: 0 })

/** The form's fields in text from `index` on, the answers so far kept (and offered to keep). */
const fieldByField = (
  s: Session,
  state: AgentState,
  fields: Extract<Pending, { _tag: "FormField" }>["fields"],
  index: number,
  vars: Readonly<Record<string, string>>,
  misses = 0
) => Effect.map(askField(s, fields, index, vars), (pending): AgentState => ({ ...state, vars, misses, pending }))

/** A typed answer to field `index`: saved and on to the next, or told what is wrong and asked again. */
const answerField = (
  s: Session,
  state: AgentState,
  fields: Extract<Pending, { _tag: "FormField" }>["fields"],
  index: number,
  typed: string
) =>
  Effect.gen(function* () {
    const field = fields[index]
    if (field === undefined) return undefined
    if (isBack(typed)) {
      if (index === 0) yield* s.channel.send(text("That's the first question."), "text")
      return yield* fieldByField(s, state, fields, Math.max(0, index - 1), state.vars)
    }
    const today = new Date(yield* Clock.currentTimeMillis)
    const read = readField(field, typed, state.vars[field.id], today)
    if (read._tag === "Invalid") {
      const misses = state.misses + 1
      if (misses >= patience) return { ...(yield* offerAgent(s, state, read.message)), misses: 0 }
      yield* s.channel.send(text(read.message), "text")
      return yield* fieldByField(s, state, fields, index, state.vars, misses)
    }
    const { [field.id]: _old, ...others } = state.vars
    const vars = read.value === undefined ? others : { ...state.vars, [field.id]: read.value }
    if (index + 1 < fields.length) return yield* fieldByField(s, state, fields, index + 1, vars)
    return yield* next(s, { ...state, vars }, {})
  })

/** Starts what a clarifying question's answer names; `none` goes back to the menu. */
const clarified = (s: Session, state: AgentState, picked: Option) =>
  Effect.gen(function* () {
    const topic = topicById(picked.id)
    if (topic === undefined) return yield* menu(s, state)
    const act: Act = state.vars[own.act] === "question" ? "question" : "request"
    const later = (state.later ?? []).filter((id) => id !== topic.id)
    return yield* startTopic(s, state, topic, state.vars[own.utterance], act, later)
  })

/** The new state when `input` answers `pending`; undefined when it does not. */
const answer = (s: Session, state: AgentState, pending: Pending, input: Input) =>
  Effect.gen(function* () {
    switch (pending._tag) {
      case "Choice": {
        const picked = optionFor(input, pending)
        if (picked === undefined) {
          if (input._tag !== "Picked") return undefined
          // An identifier we never offered (a forged or stale reply): refused, and the question stands.
          yield* Effect.logWarning("refused a choice that was not offered").pipe(
            Effect.annotateLogs({ save: pending.save })
          )
          yield* s.channel.send(
            text("Sorry, that choice isn't available to you. Please pick one from the list."),
            "text"
          )
          return yield* repeat(s, state, pending)
        }
        if (pending.save === own.menu) {
          const topic = topicById(picked.id)
          return topic === undefined ? undefined : yield* startTopic(s, state, topic)
        }
        if (pending.save === own.more) {
          if (picked.id === "yes") return yield* menu(s, state)
          const feedback = topicById("feedback")
          return feedback === undefined ? undefined : yield* startTopic(s, state, feedback)
        }
        if (pending.save === own.agent)
          return picked.id === "yes" ? handOff(s, "Offered after the bot could not help") : yield* menu(s, state)
        if (pending.save === own.clarify) return yield* clarified(s, state, picked)
        if (pending.save === own.later) {
          const later = topicById(state.vars[own.later] ?? "")
          if (picked.id !== "yes" || later === undefined) return yield* menu(s, state)
          return yield* startTopic(s, state, later, undefined, "request", state.later)
        }
        if (pending.save === "asset" && !(yield* Actions.ownsCard(s.channel, picked.id))) {
          yield* s.channel.send(text("That card isn't one of yours."), "text")
          return undefined
        }
        return yield* next(s, state, { [pending.save]: picked.id })
      }
      case "Text": {
        if (input._tag !== "Text") return undefined
        const value = input.text.trim()
        if (pending.optional && isSkip(value)) return yield* next(s, state, {})
        if (pending.number) {
          const n = Number.parseInt(value, 10)
          return Number.isInteger(n) && n > 0 && n < 100
            ? yield* next(s, state, { [pending.save]: String(n) })
            : undefined
        }
        return value === "" ? undefined : yield* next(s, state, { [pending.save]: value })
      }
      case "Form": {
        if (input._tag === "Text") {
          // Typed instead of using the form: unless it starts something else, the form goes on in text.
          const understood = understand(input.text, topics)
          if (understood._tag === "Topic" && understood.topic.id !== state.topic) return undefined
          yield* s.channel.note("substitution", {
            feature: "dynamic",
            missing: "typed",
            fallback: "form asked one field at a time"
          })
          yield* s.channel.send(text(`No problem, let's do it here (say "back" to change an answer).`), "text")
          const first = pending.fields[0]
          const today = new Date(yield* Clock.currentTimeMillis)
          const read = first === undefined ? undefined : readField(first, input.text, state.vars[first.id], today)
          if (first !== undefined && read?._tag === "Value" && read.value !== undefined)
            return yield* answerField(s, state, pending.fields, 0, input.text)
          return yield* fieldByField(s, state, pending.fields, 0, state.vars)
        }
        if (input._tag !== "FormAnswers") return undefined
        const values: Record<string, string> = {}
        for (const field of pending.fields) {
          const given = input.values[field.id]
          if (given !== undefined)
            values[field.id] =
              field.type === "select" ? (optionOf(given, field.options ?? [], false)?.id ?? given) : given
          else if (field.required && state.vars[field.id] === undefined) return undefined
        }
        return yield* next(s, state, values)
      }
      case "FormField": {
        if (input._tag !== "Text") return undefined
        return yield* answerField(s, state, pending.fields, pending.index, input.text)
      }
      case "Slot": {
        const slot =
          input._tag === "Slot"
            ? pending.slots.find((x) => x.id === input.id)
            : input._tag === "Text" && /^\d{1,2}$/.test(input.text.trim())
              ? pending.slots[Number(input.text.trim()) - 1]
              : input._tag === "Text"
                ? pending.slots.find((x) => x.label === input.text.trim())
                : undefined
        if (slot === undefined) return undefined
        return yield* next(s, state, { [pending.save]: slot.start })
      }
    }
  })

/** A message that is no answer to what was asked: what it is about, asked back when unclear. */
const understood = (s: Session, state: AgentState, typed: string) =>
  Effect.gen(function* () {
    const u = understand(typed, topics)
    yield* Effect.logDebug("virtual agent understood").pipe(Effect.annotateLogs({ understood: u._tag }))
    switch (u._tag) {
      case "Topic":
        return yield* startTopic(s, state, u.topic, typed, u.act)
      case "Several": {
        const [first] = u.topics
        if (first !== undefined) recordTopic(s, first, u.act)
        const pending = yield* ask(
          s,
          `You asked about ${u.topics.map((t) => `"${t.title}"`).join(" and ")}. Which shall we start with?`,
          u.topics.length <= 5 ? "quick" : "list",
          u.topics.map((t) => ({ id: t.id, title: t.title })),
          own.clarify
        )
        return {
          ...state,
          vars: { [own.utterance]: typed, [own.act]: u.act },
          later: u.topics.map((t) => t.id),
          misses: 0,
          pending
        }
      }
      case "Unsure": {
        const options = [
          ...u.candidates.map((t) => ({ id: t.id, title: t.title })),
          { id: "none", title: "Something else", synonyms: ["neither", "none", "no", "other"] }
        ]
        const pending = yield* ask(s, "Just to be sure, do you mean:", "quick", options, own.clarify)
        return { ...state, vars: { [own.utterance]: typed, [own.act]: u.act }, misses: 0, pending }
      }
      case "Nothing":
        return undefined
    }
  })

/** Handles one customer message in the bot phase. */
export const handle = (s: Session, state: AgentState, input: Input) =>
  Effect.gen(function* () {
    if (input._tag === "Text") {
      const command = commandOf(input.text)
      if (command === "agent") {
        // "My card was stolen, get me a person": the agent's queue is the card team's.
        const u = understand(input.text, topics)
        if (u._tag === "Topic" && !u.topic.understanding.secondary) recordTopic(s, u.topic, u.act)
        return handOff(s, "The customer asked for a live agent")
      }
      if (command === "menu") return yield* menu(s, state)
    }
    if (state.pending !== undefined) {
      const result = yield* answer(s, state, state.pending, input)
      if (result !== undefined) return result
    }
    if (input._tag === "Text") {
      const result = yield* understood(s, state, input.text)
      if (result !== undefined) return result
    }
    const misses = state.misses + 1
    if (misses >= 2) return { ...(yield* offerAgent(s, state, "Sorry, I'm having trouble understanding.")), misses: 0 }
    if (state.pending !== undefined) {
      yield* s.channel.send(text("Sorry, I didn't get that."), "text")
      return { ...(yield* repeat(s, state, state.pending)), misses }
    }
    return { ...(yield* menu(s, state, "Sorry, I didn't understand that.")), misses }
  })

/** Asks the pending question again. */
const repeat = (s: Session, state: AgentState, pending: Pending) =>
  Effect.gen(function* () {
    const step = state.topic === undefined ? undefined : topicById(state.topic)?.steps[state.step]
    switch (pending._tag) {
      case "FormField":
        return { ...state, pending: yield* askField(s, pending.fields, pending.index, state.vars) }
      case "Choice": {
        const prompt = step?._tag === "Choose" ? step.prompt : "Please choose one:"
        const style = step?._tag === "Choose" ? step.style : pending.options.length <= 5 ? "quick" : "list"
        return { ...state, pending: yield* ask(s, prompt, style, pending.options, pending.save) }
      }
      default:
        return yield* run(s, { ...state, pending: undefined })
    }
  })
