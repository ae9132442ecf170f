import { JSONSchema, Schema } from "effect"
import { AgentEvent } from "../../actors/agent/AgentEvent.ts"
import { Channel, PresenceState } from "../../actors/agent/AgentProtocol.ts"
import { CustomerRef } from "../../db/queries/CustomerRef.ts"
import { Principal } from "../auth/Principal.ts"
import { AgentContent } from "./AgentContent.ts"

/**
 * The Agent Workspace socket's protocol, version 1: JSON frames, each a Schema-described object
 * with `v: 1` and a `type`. Every client command carries a `ref` of the client's choosing, echoed
 * in the `ack` or `error` it gets back. Server events are numbered (`event.id`); a client that
 * reconnects sends the last id it saw (`hello.lastEventId`) and gets what it missed, once.
 */
export const version = 1 as const

const V = { v: Schema.Literal(version) }
const Ref = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))
const command = <T extends string, F extends Schema.Struct.Fields>(type: T, fields: F) =>
  Schema.Struct({ ...V, type: Schema.Literal(type), ref: Ref, ...fields })

const Id = Schema.UUID
const Name = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))

const EventId = Schema.Int.pipe(Schema.nonNegative())

/**
 * The first frame of a browser (which cannot set headers): the token; any client: where to resume.
 * `seen` lists the ids of the last events the client got (up to 500): events are numbered when
 * written and two turns may commit out of order, so one numbered below `lastEventId` can still
 * have been on its way when the socket dropped; the server sends every event after the lowest of
 * them that is not in `seen`.
 */
export const Hello = command("hello", {
  token: Schema.optional(Schema.String.pipe(Schema.maxLength(4096))),
  lastEventId: Schema.optional(EventId),
  seen: Schema.optional(Schema.Array(EventId).pipe(Schema.maxItems(500)))
})

export const SetPresenceCommand = command("setPresence", {
  channel: Channel,
  state: PresenceState,
  label: Schema.optional(Schema.String.pipe(Schema.maxLength(60)))
})
export const AcceptCommand = command("accept", { offerId: Id })
export const RejectCommand = command("reject", { offerId: Id, reason: Schema.String.pipe(Schema.maxLength(500)) })
export const SendCommand = command("send", {
  interactionId: Id,
  clientMessageId: Ref,
  content: AgentContent
})
export const TypingCommand = command("typing", { interactionId: Id, active: Schema.Boolean })
export const CreateCaseCommand = command("createCase", {
  interactionId: Id,
  shortDescription: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(160)),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(10_000))),
  priority: Schema.optional(Schema.Literal(1, 2, 3, 4))
})
export const ScheduleCallBackCommand = command("scheduleCallBack", { interactionId: Id, queue: Name })
/** To a queue, or to one agent (offered to them directly; if they cannot take it, their queue's agents can). */
export const TransferCommand = Schema.Union(
  command("transfer", { interactionId: Id, toQueue: Name }),
  command("transfer", { interactionId: Id, toAgent: Id })
)
export const WrapUpCommand = command("wrapUp", { workItemId: Id })
export const CompleteCommand = command("complete", {
  workItemId: Id,
  code: Schema.optional(Schema.String.pipe(Schema.maxLength(100)))
})
export const CloseCommand = command("close", { interactionId: Id })
export const LinkCustomerCommand = command("linkCustomer", { interactionId: Id, customer: CustomerRef })

export const Command = Schema.Union(
  Hello,
  SetPresenceCommand,
  AcceptCommand,
  RejectCommand,
  SendCommand,
  TypingCommand,
  CreateCaseCommand,
  ScheduleCallBackCommand,
  TransferCommand,
  WrapUpCommand,
  CompleteCommand,
  CloseCommand,
  LinkCustomerCommand
)
export type Command = typeof Command.Type
export type CommandType = Command["type"]

export const commandTypes: ReadonlyArray<CommandType> = [
  "hello",
  "setPresence",
  "accept",
  "reject",
  "send",
  "typing",
  "createCase",
  "scheduleCallBack",
  "transfer",
  "wrapUp",
  "complete",
  "close",
  "linkCustomer"
]

/** Stable error codes: the client branches on these, never on `reason`. */
export const ErrorCode = Schema.Literal(
  "invalid_command",
  "unauthenticated",
  "forbidden",
  "not_found",
  "capability_missing",
  "no_customer",
  "unavailable"
)
export type ErrorCode = typeof ErrorCode.Type

export const Welcome = Schema.Struct({
  ...V,
  type: Schema.Literal("welcome"),
  user: Principal,
  node: Schema.String,
  sessionId: Schema.String,
  /** Presence, capacity and pending offers as the agent's actor holds them (agents only, when it answered). */
  status: Schema.optional(Schema.Unknown)
})

/** One event for the agent (`AgentEvent`); offers carry `body.context`, the customer's context. */
export const EventFrame = Schema.Struct({ ...V, type: Schema.Literal("event"), event: AgentEvent })

export const Ack = Schema.Struct({
  ...V,
  type: Schema.Literal("ack"),
  ref: Schema.String,
  result: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})

export const ErrorFrame = Schema.Struct({
  ...V,
  type: Schema.Literal("error"),
  ref: Schema.optional(Schema.String),
  code: ErrorCode,
  reason: Schema.String
})

export const ServerMessage = Schema.Union(Welcome, EventFrame, Ack, ErrorFrame)
export type ServerMessage = typeof ServerMessage.Type

/**
 * Close codes: 4401 no or bad credentials; 1013 the client did not read fast enough (reconnect and
 * resume); 1008 the client sent faster than its rate or queued more than its bound; 1009 a frame
 * over `maxFrameBytes`.
 */
export const closeCodes = { unauthenticated: 4401, slowConsumer: 1013, policyViolation: 1008, tooBig: 1009 } as const

/** The largest frame a client may send; no command comes near it. The socket refuses larger ones unread (1009). */
export const maxFrameBytes = 256 * 1024

/** The protocol as JSON Schema, for the REST API's documentation and for clients. */
export const describe = () => ({
  version,
  path: "/ws",
  auth: "Authorization: Bearer <token> on the upgrade request, or a first `hello` frame carrying `token`",
  closeCodes,
  maxFrameBytes,
  clientToServer: JSONSchema.make(Command),
  serverToClient: JSONSchema.make(ServerMessage)
})
