import { Effect, Option } from "effect"
import { AppleConfig } from "../../apple/AppleConfig.ts"
import { missingRequirement } from "../../apple/CapabilityGate.ts"
import { text } from "../../apple/OutboundMessage.ts"
import type { Db } from "../../db/Db.ts"
import type { Turn } from "../../runtime/Turn.ts"
import * as Actions from "./Actions.ts"
import { type AgentState, initial, own, type Pending } from "./AgentState.ts"
import type { Channel, Outcome } from "./Channel.ts"
import { labelsCarryNumbers } from "./Choices.ts"
import * as Render from "./Render.ts"
import type { Act, Option as Choice, Step, Topic } from "./Topic.ts"
import { topicById, topics } from "./Topics.ts"

type Run<A> = Effect.Effect<A, unknown, Db | Turn>

/** One turn of the virtual agent: reads the customer's input, walks the topic, says what it must. */
export interface Session {
  readonly channel: Channel
  readonly outcome: Outcome
}

const fill = (template: string, vars: Readonly<Record<string, string>>) =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => vars[key] ?? "")

const menuOptions = (): ReadonlyArray<Choice> =>
  topics.filter((t) => t.inMenu).map((t) => ({ id: t.id, title: t.title }))

const yesNo = (yes: string, no: string): ReadonlyArray<Choice> => [
  { id: "yes", title: yes, synonyms: ["yes", "yeah", "sure", "please"] },
  { id: "no", title: no, synonyms: ["no", "nope", "nothing", "done"] }
]

export const ask = (
  s: Session,
  prompt: string,
  style: "list" | "quick",
  options: ReadonlyArray<Choice>,
  save: string
) =>
  Effect.gen(function* () {
    const rendered = Render.choice(prompt, style, options)
    yield* s.channel.send(rendered.content, rendered.kind)
    // Where the device cannot show the picker, its text fallback numbers the options (unless their
    // labels carry numbers of their own): only then is a typed number a position the customer saw.
    const data =
      rendered.content.type === "interactive" && "interactiveData" in rendered.content
        ? rendered.content.interactiveData
        : undefined
    const fallback =
      data !== undefined && missingRequirement(s.channel.capabilities, data, s.channel.deviceAgent) !== undefined
    const pending: Pending = {
      _tag: "Choice",
      options,
      save,
      numbered: fallback && !labelsCarryNumbers(options),
      ...(rendered.requestIdentifier !== undefined ? { requestIdentifier: rendered.requestIdentifier } : {})
    }
    return pending
  })

export const menu = (s: Session, state: AgentState, lead?: string): Run<AgentState> =>
  Effect.gen(function* () {
    if (lead !== undefined) yield* s.channel.send(text(lead), "text")
    const pending = yield* ask(s, "How can I help?", "list", menuOptions(), own.menu)
    return { ...initial, misses: state.misses, pending }
  })

export const offerAgent = (s: Session, state: AgentState, lead: string): Run<AgentState> =>
  Effect.gen(function* () {
    yield* s.channel.send(text(lead), "text")
    const pending = yield* ask(
      s,
      "Would you like to chat with a live agent?",
      "quick",
      yesNo("Yes, an agent", "No, thanks"),
      own.agent
    )
    return { ...initial, misses: state.misses, pending }
  })

export const handOff = (s: Session, reason: string): AgentState => {
  s.outcome.handOff = reason
  return initial
}

/** What the customer asked about, kept for the interaction (routing, the agent's offer, reports). */
export const recordTopic = (s: Session, topic: Topic, intent: Act) => {
  if (topic.tracked) s.outcome.topic = { id: topic.id, intent }
}

/** Starts a topic (or asks the customer to sign in first when it needs to know who they are). */
export const startTopic = (
  s: Session,
  state: AgentState,
  topic: Topic,
  utterance?: string,
  intent: Act = "request",
  later?: ReadonlyArray<string>
): Run<AgentState> =>
  Effect.gen(function* () {
    recordTopic(s, topic, intent)
    if (topic.needsCustomer && s.channel.customer === undefined) {
      if (s.channel.canSignIn) {
        s.outcome.signInFor = topic.id
        return { ...initial, misses: 0 }
      }
      return yield* offerAgent(
        s,
        state,
        `To help with "${topic.title}" I need to know who you are, and a live agent can check that.`
      )
    }
    const vars = topic.id === "knowledge" && utterance !== undefined ? { query: utterance } : {}
    return yield* run(s, {
      topic: topic.id,
      step: 0,
      vars,
      misses: 0,
      ...(later !== undefined && later.length > 0 ? { later } : {})
    })
  })

/** The topic ended (`answered`: with the bot's answer, not because it could not go on). */
const finishTopic = (s: Session, after: "askMore" | "close", state?: AgentState, answered = true): Run<AgentState> =>
  Effect.gen(function* () {
    s.outcome.resolved = true
    const topic = state?.topic === undefined ? undefined : topicById(state.topic)
    if (topic?.tracked === true && answered) s.outcome.topicResolved = true
    if (after === "close") {
      yield* s.channel.send(text("Thank you for chatting with us. Goodbye!"), "text")
      s.outcome.finish = true
      return initial
    }
    const [nextId, ...rest] = state?.later ?? []
    const nextTopic = nextId === undefined ? undefined : topicById(nextId)
    if (nextTopic !== undefined) {
      const pending = yield* ask(
        s,
        `You also asked about "${nextTopic.title}". Shall we go on with that?`,
        "quick",
        yesNo("Yes", "No, thanks"),
        own.later
      )
      return { ...initial, vars: { [own.later]: nextTopic.id }, ...(rest.length > 0 ? { later: rest } : {}), pending }
    }
    const pending = yield* ask(
      s,
      "Is there anything else I can help you with?",
      "quick",
      yesNo("Yes", "No, thanks"),
      own.more
    )
    return { ...initial, pending }
  })

/** Walks the topic from `state.step` until a step waits for the customer or the topic ends. */
export const run = (s: Session, state: AgentState): Run<AgentState> =>
  Effect.gen(function* () {
    const topic = state.topic === undefined ? undefined : topicById(state.topic)
    if (topic === undefined) return yield* menu(s, state)
    let current = state
    while (current.step < topic.steps.length) {
      const step = topic.steps[current.step] as Step
      const waiting = yield* perform(s, current, step)
      if (waiting === "stop") return yield* finishTopic(s, "askMore", current, false)
      if (typeof waiting === "object") return waiting
      if (waiting === "handedOff") return handOff(s, (step as { reason?: string }).reason ?? "hand-off")
      current = { ...current, step: current.step + 1 }
    }
    return yield* finishTopic(s, "askMore", current)
  })

/** `next`: go on; an `AgentState`: wait for the customer; `stop`: the topic cannot go on. */
const perform = (s: Session, state: AgentState, step: Step): Run<"next" | "stop" | "handedOff" | AgentState> =>
  Effect.gen(function* () {
    const wait = (pending: Pending): AgentState => ({ ...state, pending })
    switch (step._tag) {
      case "Say":
        yield* s.channel.send(text(fill(step.text, state.vars)), "text")
        return "next"
      case "AskText":
        if (step.unlessKnown && state.vars[step.save] !== undefined) return "next"
        yield* s.channel.send(text(step.prompt), "text")
        return wait({ _tag: "Text", save: step.save, optional: step.optional, number: step.number })
      case "Choose": {
        const options =
          step.options ?? (step.source !== undefined ? yield* Actions.optionsFrom(step.source, s.channel) : [])
        if (options.length === 0) {
          yield* s.channel.send(text("I couldn't find anything to choose from on your account."), "text")
          return yield* offerAgent(s, state, "A live agent can look into it.")
        }
        return wait(yield* ask(s, step.prompt, step.style, options, step.save))
      }
      case "Form": {
        const asked = yield* askForm(s, step.title, step.fields)
        return { ...state, vars: { ...state.vars, ...asked.prefilled }, pending: asked.pending }
      }
      case "PickTime": {
        const slots = Render.deliverySlots(new Date(), step.days, step.hoursUtc, step.minutes)
        const rendered = yield* slotQuestion(s, step, slots)
        yield* s.channel.send(rendered.content, rendered.kind)
        return wait({
          _tag: "Slot",
          save: step.save,
          slots: slots.map((x) => ({ id: x.id, start: x.start.toISOString(), label: Render.slotLabel(x.start) })),
          ...(rendered.requestIdentifier !== undefined ? { requestIdentifier: rendered.requestIdentifier } : {})
        })
      }
      case "Lookup": {
        if (step.what === "openCases") return (yield* Actions.listOpenCases(s.channel)) ? "next" : "stop"
        const found = yield* Actions.searchHelp(s.channel, state.vars[step.from ?? "query"] ?? "")
        return found
          ? "next"
          : yield* offerAgent(s, state, "I couldn't find an article or a community post about that.")
      }
      case "Create": {
        const done =
          step.record === "replacementOrder"
            ? yield* Actions.replaceCard(s.channel, state.vars)
            : step.record === "case"
              ? yield* Actions.openCase(s.channel, state.vars)
              : step.record === "catalogRequest"
                ? yield* Actions.requestItem(s.channel, state.vars)
                : yield* Actions.leaveFeedback(s.channel, state.vars)
        return done ? "next" : "stop"
      }
      case "HandOff":
        return "handedOff"
      case "End":
        return yield* finishTopic(s, step.after, state)
    }
  })

/** The deployment's iMessage app for the step where it has one and the device shows it; else the time picker. */
const slotQuestion = (s: Session, step: Extract<Step, { _tag: "PickTime" }>, slots: ReadonlyArray<Render.Slot>) =>
  Effect.gen(function* () {
    const picker = Render.timePicker(step.title, slots)
    if (step.app === undefined) return picker
    const apple = yield* Effect.serviceOption(AppleConfig)
    const settings = Option.isSome(apple) ? apple.value.imessageApps[step.app] : undefined
    if (settings === undefined) return picker
    const viaApp = Render.slotApp(settings, step.title, slots)
    const data =
      viaApp.content.type === "interactive" && "interactiveData" in viaApp.content
        ? viaApp.content.interactiveData
        : undefined
    const shows =
      data !== undefined && missingRequirement(s.channel.capabilities, data, s.channel.deviceAgent) === undefined
    return shows ? viaApp : picker
  })

/** A form where the device shows forms; otherwise the same questions one at a time, recorded as a substitution. */
const askForm = (
  s: Session,
  title: string,
  fields: Extract<Step, { _tag: "Form" }>["fields"]
): Run<{ readonly pending: Pending; readonly prefilled: Readonly<Record<string, string>> }> =>
  Effect.gen(function* () {
    const prefilled: Record<string, string> = {}
    for (const f of fields) {
      const value = f.prefill !== undefined ? s.channel.customer?.[f.prefill] : undefined
      if (value !== undefined && value !== null) prefilled[f.id] = value.replace(/\n/g, ", ")
    }
    const rendered = Render.form(title, fields, prefilled)
    const data =
      rendered.content.type === "interactive" && "interactiveData" in rendered.content
        ? rendered.content.interactiveData
        : undefined
    const missing =
      data === undefined ? undefined : missingRequirement(s.channel.capabilities, data, s.channel.deviceAgent)
    if (missing === undefined) {
      yield* s.channel.send(rendered.content, rendered.kind)
      const rid = rendered.requestIdentifier !== undefined ? { requestIdentifier: rendered.requestIdentifier } : {}
      return { pending: { _tag: "Form", fields, ...rid }, prefilled }
    }
    yield* s.channel.note("substitution", { feature: "dynamic", missing, fallback: "form asked one field at a time" })
    yield* s.channel.send(text(`${title}: a few quick questions (say "back" to change an answer).`), "text")
    return { pending: yield* askField(s, fields, 0, prefilled), prefilled }
  })

export const askField = (
  s: Session,
  fields: Extract<Pending, { _tag: "FormField" }>["fields"],
  index: number,
  prefilled: Readonly<Record<string, string>> = {}
): Run<Pending> =>
  Effect.gen(function* () {
    const field = fields[index]
    if (field === undefined) return { _tag: "FormField", fields, index }
    const keep = prefilled[field.id]
    const prompt =
      field.type === "select"
        ? Render.numbered(field.title, field.options ?? [])
        : keep !== undefined
          ? `${field.title}: ${keep}\nReply "ok" to keep it, or type a new one.`
          : field.type === "date"
            ? `${field.title} (YYYY-MM-DD${field.required ? "" : `, or "skip"`})`
            : field.title
    yield* s.channel.send(text(prompt), "text")
    return { _tag: "FormField", fields, index }
  })
