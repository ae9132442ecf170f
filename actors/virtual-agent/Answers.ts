import { Effect } from "effect"
import { text } from "../../apple/OutboundMessage.ts"
import * as Actions from "./Actions.ts"
import { type AgentState, own, type Pending } from "./AgentState.ts"
import type { Input } from "./Input.ts"
import { commandOf, intentOf, isSkip, optionOf, yesOrNo } from "./Intent.ts"
import { ask, askField, handOff, menu, offerAgent, run, type Session, startTopic } from "./Runner.ts"
import type { Option } from "./Topic.ts"
import { topicById, topics } from "./Topics.ts"

/**
 * The input side of the virtual agent: whether a message answers what was asked, and what happens
 * when it does not (another topic, a command, or a misunderstanding; two in a row offer a person).
 */

const optionFor = (input: Input, options: ReadonlyArray<Option>): Option | undefined =>
  input._tag === "Picked"
    ? options.find((o) => o.id === input.ids[0])
    : input._tag === "Text"
      ? optionOf(input.text, options)
      : undefined

const next = (s: Session, state: AgentState, vars: Readonly<Record<string, string>>) =>
  run(s, { ...state, vars: { ...state.vars, ...vars }, step: state.step + 1, pending: undefined, misses: 0 })

const isDate = (value: string) => /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))

/** The new state when `input` answers `pending`; undefined when it does not. */
const answer = (s: Session, state: AgentState, pending: Pending, input: Input) =>
  Effect.gen(function* () {
    switch (pending._tag) {
      case "Choice": {
        const picked = optionFor(input, pending.options)
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
        if (input._tag !== "FormAnswers") return undefined
        const values: Record<string, string> = {}
        for (const field of pending.fields) {
          const given = input.values[field.id]
          if (given !== undefined)
            values[field.id] = field.type === "select" ? (optionOf(given, field.options ?? [])?.id ?? given) : given
          else if (field.required && state.vars[field.id] === undefined) return undefined
        }
        return yield* next(s, state, values)
      }
      case "FormField": {
        const field = pending.fields[pending.index]
        if (field === undefined || input._tag !== "Text") return undefined
        const value = input.text.trim()
        let saved: Record<string, string>
        if (field.type === "select") {
          const option = optionOf(value, field.options ?? [])
          if (option === undefined) return undefined
          saved = { [field.id]: option.id }
        } else if (state.vars[field.id] !== undefined && (yesOrNo(value) === "yes" || /^(ok|keep)$/i.test(value)))
          saved = {}
        else if (field.type === "date") {
          if (isSkip(value) && !field.required) saved = {}
          else if (isDate(value)) saved = { [field.id]: value }
          else return undefined
        } else if (value === "") return undefined
        else saved = { [field.id]: value }
        const vars = { ...state.vars, ...saved }
        if (pending.index + 1 < pending.fields.length) {
          return { ...state, vars, misses: 0, pending: yield* askField(s, pending.fields, pending.index + 1, vars) }
        }
        return yield* next(s, { ...state, vars }, {})
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

/** Handles one customer message in the bot phase. */
export const handle = (s: Session, state: AgentState, input: Input) =>
  Effect.gen(function* () {
    if (input._tag === "Text") {
      const command = commandOf(input.text)
      if (command === "agent") return handOff(s, "The customer asked for a live agent")
      if (command === "menu") return yield* menu(s, state)
    }
    if (state.pending !== undefined) {
      const result = yield* answer(s, state, state.pending, input)
      if (result !== undefined) return result
    }
    if (input._tag === "Text") {
      const topic = intentOf(input.text, topics)
      if (topic !== undefined) return yield* startTopic(s, state, topic, input.text)
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
