import { Effect, JSONSchema, Schema } from "effect"
import * as Protocol from "../ws/Protocol.ts"
import { publicRoute, type Route } from "./Route.ts"

/**
 * The agent socket (`/ws`) described as AsyncAPI 3.0, generated from the Schemas the socket
 * decodes with (`http/ws/Protocol.ts`), so the document and the socket cannot drift. It describes
 * Parley's side: it receives the workspace's commands and sends welcome, events, acks and errors.
 */

const AsyncApiDocument = Schema.Record({ key: Schema.String, value: Schema.Unknown }).annotations({
  identifier: "AsyncApiDocument"
})

const draft7 = "application/schema+json;version=draft-07"

const commands: ReadonlyArray<readonly [string, Schema.Schema.Any, string]> = [
  ["hello", Protocol.Hello, "First frame of a browser: the token; any client: where to resume (lastEventId, seen)"],
  ["setPresence", Protocol.SetPresenceCommand, "Available, Away or Offline on a channel"],
  ["accept", Protocol.AcceptCommand, "Accept an offer"],
  ["reject", Protocol.RejectCommand, "Reject an offer with a reason"],
  [
    "send",
    Protocol.SendCommand,
    "Send the customer a message (text, a file uploaded with POST /api/conversations/:id/attachments, rich link, list picker, time picker, quick reply, form)"
  ],
  ["typing", Protocol.TypingCommand, "The agent's typing indicator"],
  ["createCase", Protocol.CreateCaseCommand, "Open a case for the chat's customer"],
  ["scheduleCallBack", Protocol.ScheduleCallBackCommand, "Offer the customer a queue's call-back slots"],
  ["transfer", Protocol.TransferCommand, "Hand the chat to a queue or an agent"],
  ["wrapUp", Protocol.WrapUpCommand, "Start wrap-up of a work item"],
  ["complete", Protocol.CompleteCommand, "Complete a work item (frees capacity), with a wrap-up code"],
  ["close", Protocol.CloseCommand, "End the chat"],
  ["linkCustomer", Protocol.LinkCustomerCommand, "Link the chat's customer to a contact or consumer"]
]

const serverMessages: ReadonlyArray<readonly [string, Schema.Schema.Any, string]> = [
  ["welcome", Protocol.Welcome, "After authentication: who, which node, presence, capacity and pending offers"],
  ["event", Protocol.EventFrame, "One numbered event for the agent (offer, assigned, message, typing, presence, …)"],
  ["ack", Protocol.Ack, "The command with this ref is stored; its outcome follows as events"],
  ["error", Protocol.ErrorFrame, "The command with this ref was refused: a stable code and a one-line reason"]
]

const message = ([name, schema, summary]: readonly [string, Schema.Schema.Any, string]) =>
  [
    name,
    {
      name,
      title: name,
      summary,
      contentType: "application/json",
      payload: { schemaFormat: draft7, schema: JSONSchema.make(schema) }
    }
  ] as const

const refs = (list: ReadonlyArray<readonly [string, Schema.Schema.Any, string]>) =>
  list.map(([name]) => ({ $ref: `#/channels/workspace/messages/${name}` }))

export const document = (): Readonly<Record<string, unknown>> => {
  const messages = Object.fromEntries([...commands, ...serverMessages].map(message))
  return {
    asyncapi: "3.0.0",
    info: {
      title: "Parley Agent Workspace socket",
      version: String(Protocol.version),
      description:
        "JSON frames over a WebSocket at /ws. Every command carries a `ref`, echoed in its `ack` or `error`. " +
        "Events are numbered; a client that reconnects sends `hello` with `lastEventId` and `seen` and gets what it missed, once. " +
        `Close codes: ${Protocol.closeCodes.unauthenticated} no or bad credentials, ${Protocol.closeCodes.slowConsumer} too far behind (reconnect and resume).`
    },
    defaultContentType: "application/json",
    servers: {
      parley: {
        host: "localhost:3000",
        protocol: "ws",
        description: "The node's own origin; use wss behind TLS",
        security: [{ $ref: "#/components/securitySchemes/bearer" }]
      }
    },
    channels: {
      workspace: {
        address: "/ws",
        title: "Agent Workspace",
        description: "One socket per workspace tab; agents and managers only",
        messages: Object.fromEntries(
          Object.keys(messages).map((name) => [name, { $ref: `#/components/messages/${name}` }])
        )
      }
    },
    operations: {
      receiveCommand: {
        action: "receive",
        title: "The workspace's commands",
        channel: { $ref: "#/channels/workspace" },
        messages: refs(commands)
      },
      sendToWorkspace: {
        action: "send",
        title: "What Parley sends the workspace",
        channel: { $ref: "#/channels/workspace" },
        messages: refs(serverMessages)
      }
    },
    components: {
      messages,
      securitySchemes: {
        bearer: {
          type: "httpBearerToken",
          description:
            "A session token in `Authorization` on the upgrade, or (browsers) in the first `hello` frame's `token`"
        }
      }
    }
  }
}

/** `GET /api/asyncapi.json`. */
export const routes: ReadonlyArray<Route> = [
  publicRoute({
    method: "get",
    path: "/asyncapi.json",
    tag: "meta",
    summary: "The agent socket (/ws) described as AsyncAPI 3.0, generated from the socket's Schemas",
    response: AsyncApiDocument,
    handler: () => Effect.sync(document)
  })
]
