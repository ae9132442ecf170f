import { Effect, Option } from "effect"
import type { AppleClient } from "../../apple/AppleClient.ts"
import type { AppleConfig } from "../../apple/AppleConfig.ts"
import type { InboundEnvelope } from "../../apple/InboundEnvelope.ts"
import { text } from "../../apple/OutboundMessage.ts"
import type { Db } from "../../db/Db.ts"
import type { CustomerProfile } from "../../db/queries/customers.ts"
import { closeInteraction, openInteraction, updateInteraction } from "../../db/queries/interactions.ts"
import { hasAppleMessage } from "../../db/queries/messages.ts"
import { closeWorkItem, openWorkItemOf, type PlaceInLine, placeInLine } from "../../db/queries/workItems.ts"
import * as Actor from "../../runtime/Actor.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import type { ObjectStore } from "../../runtime/ObjectStore.ts"
import type { RuntimeConfig } from "../../runtime/RuntimeConfig.ts"
import * as Turn from "../../runtime/Turn.ts"
import { CustomerClosed, CustomerWrote } from "../apple/AppleOutboundProtocol.ts"
import type { AttachmentConfig } from "../attachments/AttachmentConfig.ts"
import type { InboundFile } from "../attachments/FileRef.ts"
import { PublicLinks } from "../PublicLinks.ts"
import { initial as initialAgent } from "../virtual-agent/AgentState.ts"
import { handle } from "../virtual-agent/Answers.ts"
import { type Channel, emptyOutcome } from "../virtual-agent/Channel.ts"
import type { Input } from "../virtual-agent/Input.ts"
import { commandOf } from "../virtual-agent/Intent.ts"
import { menu, recordTopic, type Session, startTopic } from "../virtual-agent/Runner.ts"
import { topicById, topics } from "../virtual-agent/Topics.ts"
import { understand } from "../virtual-agent/Understanding.ts"
import { recordBotOutcome } from "./BotOutcome.ts"
import * as CallBack from "./CallBack.ts"
import {
  type AgentClose,
  Conversation,
  type CustomerMessage,
  type Message,
  type SignInAnswer
} from "./ConversationProtocol.ts"
import { ConversationState, initial, type SignIn } from "./ConversationState.ts"
import * as CustomerInput from "./CustomerInput.ts"
import { handOffToLiveAgent } from "./HandOff.ts"
import * as Identification from "./Identification.ts"
import { IdentityProvider } from "./IdentityProvider.ts"
import * as InboundData from "./InboundData.ts"
import * as InboundFiles from "./InboundFiles.ts"
import * as LiveAgent from "./LiveAgent.ts"
import * as LiveChat from "./LiveChat.ts"
import * as Outgoing from "./Outgoing.ts"
import { botAnswers, closedState } from "./Phase.ts"
import * as SignInCompletion from "./SignInCompletion.ts"
import * as Transcript from "./Transcript.ts"

interface Cell extends ConversationState {
  readonly id: string
  readonly businessId: string
  readonly opaqueId: string
}

/** Where the customer stands (AWA's queue position and expected wait), said once when they join the line. */
const inLine = (place: PlaceInLine | undefined): string => {
  const position = place === undefined ? "" : ` You're number ${place.position} in line.`
  const wait =
    place?.recentWaitSeconds === null || place?.recentWaitSeconds === undefined
      ? " An agent will be with you shortly."
      : ` Recently the wait has been about ${Math.max(1, Math.round(place.recentWaitSeconds / 60))} minute${Math.round(place.recentWaitSeconds / 60) > 1 ? "s" : ""}.`
  return `I'm connecting you with a live agent.${position}${wait}`
}

const parseId = (id: string) => {
  const at = id.indexOf("|")
  return { businessId: id.slice(0, at), opaqueId: id.slice(at + 1) }
}

const recipient = (cell: Cell): Transcript.Recipient => ({
  businessId: cell.businessId,
  opaqueId: cell.opaqueId,
  interactionId: cell.interactionId ?? "",
  capabilities: cell.capabilities,
  deviceAgent: cell.deviceAgent,
  locale: cell.locale
})

const channelOf = (
  cell: Cell,
  customer: CustomerProfile | undefined,
  publicUrl: string,
  providerConfigured: boolean
): Channel => {
  const to = recipient(cell)
  return {
    interactionId: to.interactionId,
    customer,
    capabilities: cell.capabilities,
    deviceAgent: cell.deviceAgent,
    publicUrl,
    canSignIn: Identification.canSignIn(cell.capabilities, providerConfigured),
    send: (content, kind) => Transcript.sendBot(to, content, kind),
    note: (kind, body) => Transcript.note(to, kind, body)
  }
}

/** Nobody is live in the chat any more (it closed, or the customer starts afresh). */
const noLiveAgent = {
  liveAgent: undefined,
  liveWorkItem: undefined,
  callBack: undefined,
  closedByAgent: undefined
} as const

/** A new interaction for the customer's first message (or the first after a close). */
const open = Effect.fnUntraced(function* (cell: Cell, envelope: InboundEnvelope) {
  if (cell.customerClosed) yield* Outgoing.tellSender(cell, CustomerWrote.make({}))
  const customer = yield* Identification.identify(cell.businessId, cell.opaqueId)
  const interaction = yield* openInteraction({
    conversationId: cell.id,
    businessId: cell.businessId,
    opaqueId: cell.opaqueId,
    capabilities: envelope.capabilities,
    ...(envelope.intent !== undefined ? { intent: envelope.intent } : {}),
    ...(envelope.group !== undefined ? { group: envelope.group } : {}),
    ...(envelope.locale !== undefined ? { locale: envelope.locale } : {}),
    ...(envelope.deviceAgent !== undefined ? { deviceAgent: envelope.deviceAgent } : {}),
    ...(customer !== undefined ? { customer } : {})
  })
  yield* Effect.logInfo("interaction opened").pipe(
    Effect.annotateLogs({
      conversationId: cell.id,
      interaction: interaction.number,
      identified: customer !== undefined
    })
  )
  const next: Cell = {
    ...cell,
    phase: "bot",
    interactionId: interaction.id,
    customer,
    resolved: false,
    customerClosed: false,
    agent: initialAgent,
    signIn: undefined,
    ...noLiveAgent
  }
  return next
})

/** Runs the virtual agent (or a sign-in), then applies what it asked for: hand-off, close, sign-in. */
const converse = Effect.fnUntraced(function* (
  cell: Cell,
  run: (s: Session) => Effect.Effect<ConversationState["agent"], unknown, Db | Turn.Turn>
) {
  const links = yield* PublicLinks
  const provider = yield* IdentityProvider
  const profile = yield* Identification.profileOf(cell.customer)
  const session: Session = {
    channel: channelOf(cell, profile, links.baseUrl, Option.isSome(provider)),
    outcome: emptyOutcome()
  }
  const agent = yield* run(session)
  let next: Cell = { ...cell, agent, resolved: cell.resolved || session.outcome.resolved }
  const outcome = session.outcome
  if (next.interactionId !== undefined) yield* recordBotOutcome(next.interactionId, outcome)
  if (outcome.handOff !== undefined) {
    const item = yield* handOffToLiveAgent(cell.id, next.interactionId ?? "", outcome.handOff)
    const place = yield* placeInLine(item.id)
    yield* Transcript.sendBot(recipient(next), text(inLine(place)), "text")
    next = { ...next, phase: "queued", agent: initialAgent }
  }
  if (outcome.signInFor !== undefined) {
    const topic = outcome.signInFor === "" ? undefined : outcome.signInFor
    const request = yield* Identification.signInRequest(cell.id, cell.capabilities, topic)
    yield* Transcript.sendBot(recipient(next), text("First, please sign in so I can see your account."), "text")
    yield* Transcript.sendBot(recipient(next), request.content, "authenticate")
    next = { ...next, signIn: request.pending }
  }
  if (outcome.finish && next.interactionId !== undefined) {
    yield* closeInteraction(next.interactionId, closedState(true))
    next = { ...next, phase: "closed", interactionId: undefined, agent: initialAgent, ...noLiveAgent }
  }
  return next
})

/**
 * A sign-in the provider has answered (`SignInReady`, its call-outs made in `prepare`): the
 * customer is linked by the e-mail the provider vouched for, and the bot goes on with what they
 * asked for; or, failed, as a guest.
 */
const completeSignIn = Effect.fnUntraced(function* (cell: Cell, signIn: SignIn, answer: SignInAnswer) {
  const customer = yield* (
    answer._tag === "Failed"
      ? Effect.fail(new Identification.SignInFailed({ reason: answer.reason }))
      : Identification.linkSignedIn(cell.businessId, cell.opaqueId, answer)
  ).pipe(
    Effect.catchTag("SignInFailed", (e) =>
      Effect.as(Transcript.note(recipient(cell), "signInFailed", { reason: e.reason }), undefined)
    )
  )
  const base: Cell = { ...cell, signIn: undefined, customer: customer ?? cell.customer }
  if (customer !== undefined && base.interactionId !== undefined)
    yield* updateInteraction(base.interactionId, { customer })
  // The provider answered after a live agent took the chat (or it closed): the customer is linked,
  // and the bot does not talk over the agent.
  if (!botAnswers(base.phase)) return base
  if (customer === undefined) {
    return yield* converse(base, (s) =>
      menu(
        s,
        base.agent,
        "I couldn't sign you in, but I can still help as a guest. A live agent can also check your account."
      )
    )
  }
  const topic = signIn.topic === undefined ? undefined : topicById(signIn.topic)
  return yield* converse(base, (s) =>
    Effect.gen(function* () {
      yield* s.channel.send(text(`Thanks, ${s.channel.customer?.firstName ?? "you are"}: you're signed in.`), "text")
      return topic === undefined ? yield* menu(s, base.agent) : yield* startTopic(s, base.agent, topic)
    })
  )
})

/**
 * The customer's reply or the provider's code came for the sign-in in flight: once both have (or
 * the customer declined), the conversation tells itself `SignInReady`, so the provider is asked
 * outside this turn's transaction (runtime/CallOut.ts).
 */
const advanceSignIn = Effect.fnUntraced(function* (cell: Cell, signIn: SignIn, event: SignInCompletion.SignInEvent) {
  const next = SignInCompletion.step(signIn, event)
  if (next._tag === "Ready") yield* Turn.tell(Conversation, cell.id, next.ready)
  const advanced: Cell = { ...cell, signIn: next.signIn }
  return advanced
})

const customerClose = Effect.fnUntraced(function* (cell: Cell, envelope: InboundEnvelope) {
  yield* Outgoing.tellSender(cell, CustomerClosed.make({}))
  if (cell.interactionId !== undefined) {
    yield* Transcript.recordInbound(recipient(cell), envelope.messageId, "close", {})
    // Waiting work is withdrawn; work an agent holds stays theirs to wrap up and complete.
    const item = yield* openWorkItemOf(cell.interactionId)
    if (item !== undefined && item.state !== "assigned") yield* closeWorkItem(item.id, "cancelled")
    yield* closeInteraction(cell.interactionId, closedState(cell.resolved))
    yield* LiveChat.customerLeft(cell, "closed")
  }
  const next: Cell = {
    ...cell,
    phase: "closed",
    interactionId: undefined,
    customerClosed: true,
    agent: initialAgent,
    signIn: undefined,
    ...noLiveAgent
  }
  return next
})

const picksCallBack = (cell: Cell, input: Input) =>
  cell.callBack !== undefined && CallBack.chosen(cell.callBack, input) !== undefined

const customerMessage = Effect.fnUntraced(function* (
  cell: Cell,
  envelope: InboundEnvelope,
  files: ReadonlyArray<InboundFile>,
  dataProblem: string | undefined
) {
  const type = envelope.message.type
  if (type === "typing_start" || type === "typing_end") {
    yield* LiveChat.relayTyping(cell, type === "typing_start")
    return cell
  }
  if (yield* hasAppleMessage(envelope.messageId)) return cell
  if (type === "close") return yield* customerClose(cell, envelope)
  const read = CustomerInput.read(envelope, files, dataProblem)
  const first =
    cell.phase === "closed" ||
    cell.interactionId === undefined ||
    (cell.closedByAgent === true && !LiveChat.answersFeedback(cell, read.input) && !picksCallBack(cell, read.input))
  let current: Cell = first ? yield* open(cell, envelope) : cell
  current = {
    ...current,
    capabilities: envelope.capabilities,
    deviceAgent: envelope.deviceAgent ?? current.deviceAgent,
    locale: envelope.locale ?? current.locale
  }
  if (files.length === 0 && !LiveChat.isLive(current)) {
    yield* Transcript.writeInbound(recipient(current), envelope.messageId, read.kind, read.body)
  } else {
    // The line is read back: its id links the files and reaches the live agent's view.
    const recorded = yield* Transcript.recordInbound(recipient(current), envelope.messageId, read.kind, read.body)
    if (recorded.message !== undefined) yield* Transcript.recordFiles(recipient(current), recorded.message.id, files)
    if (recorded.inserted && recorded.message !== undefined) yield* LiveChat.relayLines(current, [recorded.message])
  }
  if (read.problem !== undefined)
    yield* Transcript.note(recipient(current), "inboundProblem", { problem: read.problem })
  const slot = current.callBack === undefined ? undefined : CallBack.chosen(current.callBack, read.input)
  if (slot !== undefined) return yield* CallBack.book(cell.id, current, recipient(current), slot)
  // A sign-in goes on whoever has the chat: signed in while waiting for a person, the customer is
  // known to the agent who takes it (the bot stays quiet then: completeSignIn).
  if (read.reply?._tag === "AuthenticationReply" && current.signIn !== undefined) {
    const { status, token } = read.reply
    return yield* advanceSignIn(current, current.signIn, {
      _tag: "Reply",
      authenticated: status === "authenticated",
      token
    })
  }
  // A type we do not know is kept in the transcript (and shown to a live agent) but not answered.
  if (type === "other" || !botAnswers(current.phase)) return current
  const input: Input = read.input
  const state = current
  return yield* converse(state, (s) =>
    Effect.gen(function* () {
      if (first && s.channel.customer !== undefined)
        yield* s.channel.send(text(`Hi ${s.channel.customer.firstName}!`), "text")
      // Asking for a person is never held up by a sign-in (Apple's policy: a live agent is always reachable, docs/apple.md).
      const wantsAgent = input._tag === "Text" && commandOf(input.text) === "agent"
      if (first && s.channel.customer === undefined && s.channel.canSignIn && input._tag === "Text" && !wantsAgent) {
        // An unknown customer is asked to sign in first; what they asked for runs once they have.
        yield* s.channel.send(text("Hi! I'm Parley's virtual assistant."), "text")
        const understood = understand(input.text, topics)
        if (understood._tag === "Topic") recordTopic(s, understood.topic, understood.act)
        s.outcome.signInFor = understood._tag === "Topic" ? understood.topic.id : ""
        return state.agent
      }
      if (first && s.channel.customer === undefined)
        yield* s.channel.send(text("Hi! I'm Parley's virtual assistant."), "text")
      return yield* handle(s, state.agent, input)
    })
  )
})

/** Story step 10: the agent ended the chat; the bot comes back and asks how it went. */
const agentClose = Effect.fnUntraced(function* (cell: Cell, message: typeof AgentClose.Type) {
  const closed = yield* LiveChat.agentClosed(cell, recipient(cell), message)
  const feedback = topicById("feedback")
  if (closed === undefined || feedback === undefined) return closed ?? cell
  return yield* converse(closed, (s) =>
    Effect.gen(function* () {
      yield* s.channel.send(text("Thanks for chatting with us. Before you go:"), "text")
      return yield* startTopic(s, initialAgent, feedback)
    })
  )
})

const turn = (cell: Cell, message: Message) =>
  Effect.gen(function* () {
    let next: Cell = cell
    switch (message._tag) {
      case "CustomerMessage":
        next = yield* customerMessage(cell, message.envelope, message.files ?? [], message.dataProblem)
        break
      case "AuthorizationCode":
        if (cell.signIn?.state !== message.state) return cell
        next = yield* advanceSignIn(cell, cell.signIn, { _tag: "Code", code: message.code })
        break
      case "SignInReady":
        // A sign-in the customer has since left (a new interaction, another sign-in) is not completed.
        if (cell.signIn?.state !== message.state) return cell
        next = yield* completeSignIn(cell, cell.signIn, message.answer ?? unprepared)
        break
      case "DeliveryFailed":
        if (cell.interactionId !== undefined) yield* Transcript.note(recipient(cell), "deliveryFailed", { ...message })
        break
      case "CustomerUnreachable":
        if (cell.interactionId !== undefined) yield* closeInteraction(cell.interactionId, closedState(cell.resolved))
        yield* LiveChat.customerLeft(cell, "unreachable")
        next = {
          ...cell,
          phase: "closed",
          interactionId: undefined,
          customerClosed: true,
          agent: initialAgent,
          ...noLiveAgent
        }
        break
      case "Accepted":
        next = yield* LiveAgent.accepted(cell.id, cell, recipient(cell), message)
        break
      case "WaitExceeded":
        next = yield* LiveAgent.waitExceeded(cell, recipient(cell), message)
        break
      case "AgentSend":
        yield* LiveChat.send(cell, recipient(cell), message)
        break
      case "AgentTyping":
        yield* LiveChat.typing(cell, recipient(cell), message)
        break
      case "AgentClose":
        next = yield* agentClose(cell, message)
        break
      case "OfferCallBack":
        next = yield* CallBack.offer(cell, recipient(cell), message)
        break
      case "LinkCustomer":
        next = yield* LiveChat.linkCustomer(cell, recipient(cell), message)
        break
      case "CaseCreated":
        yield* LiveChat.caseCreated(cell, recipient(cell), message)
        break
      case "Transferred":
        next = yield* LiveChat.transferred(cell, recipient(cell), message)
        break
      case "CallBackDue":
        yield* CallBack.due(message)
        break
    }
    return next
  })

/** What a conversation needs beyond the database and its turn. */
type Services =
  | AppleClient
  | AppleConfig
  | PublicLinks
  | RuntimeConfig
  | IdentityProvider
  | ObjectStore
  | AttachmentConfig

/** `SignInReady` reaches its turn only through `prepare`, which always fills its answer. */
const unprepared: SignInAnswer = { _tag: "Failed", reason: "the identity provider was not asked" }

/** What a customer's message needs fetched from Apple before its turn; undefined when nothing. */
const fetchFromApple = (message: typeof CustomerMessage.Type) => {
  const files = message.files === undefined && InboundFiles.carriesFiles(message.envelope)
  const data = message.dataProblem === undefined && InboundData.unresolved(message.envelope)
  if (!files && !data) return undefined
  return Effect.gen(function* () {
    let next = message
    if (files) next = { ...next, files: yield* InboundFiles.fetchAll(next.envelope) }
    if (data) {
      const resolved = yield* InboundData.resolve(next.envelope)
      next = {
        ...next,
        envelope: resolved.envelope,
        ...(resolved.problem === undefined ? {} : { dataProblem: resolved.problem })
      }
    }
    return next
  })
}

export const kind = Actor.make<Message, typeof Conversation.message.Encoded, Cell, never, never, Services>(
  Conversation,
  {
    // What is kept is the cell without what its id says (business and opaque id).
    state: Actor.stored({
      schema: ConversationState,
      initial,
      keep: ({ id: _id, businessId: _b, opaqueId: _o, ...state }: Cell) => state,
      restore: (id, kept) => Effect.succeed<Cell>({ ...kept, id, ...parseId(id) })
    }),
    // Every part the turn sends reaches the customer's Apple sender as one message.
    turn: (cell: Cell, message: Message) => Outgoing.collect(turn(cell, message)),
    // Call-outs (a customer's files and an interactive reply sent by reference, from Apple; a
    // sign-in's token and claims, from the identity provider) happen before the turn's
    // transaction, not inside it: the runtime refuses them there (runtime/CallOut.ts).
    prepare: (message: Message) =>
      message._tag === "CustomerMessage"
        ? fetchFromApple(message)
        : message._tag === "SignInReady"
          ? SignInCompletion.prepare(message)
          : undefined,
    options: { idleTimeout: "2 minutes" }
  }
)

export const erased = erase(kind)
