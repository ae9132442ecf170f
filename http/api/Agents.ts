import { Effect, Schema } from "effect"
import { agentBoard } from "../../db/queries/reports.ts"
import { presenceState } from "../../db/schema/awa.ts"
import { serviceChannel } from "../../db/schema/queues.ts"
import { Id, Timestamp } from "./Fields.ts"
import { type Route, route } from "./Route.ts"

const ChannelStatus = Schema.Struct({
  channel: Schema.Literal(...serviceChannel.enumValues),
  presence: Schema.Literal(...presenceState.enumValues),
  presenceAt: Timestamp,
  capacity: Schema.Int
}).annotations({ identifier: "ChannelStatus" })

const AgentStatus = Schema.Struct({
  id: Id,
  login: Schema.String,
  displayName: Schema.String,
  assigned: Schema.Int.annotations({ description: "work items the agent holds" }),
  offered: Schema.Int.annotations({ description: "offers awaiting the agent's answer" }),
  channels: Schema.Array(ChannelStatus)
}).annotations({ identifier: "AgentStatus" })

const AgentList = Schema.Struct({ items: Schema.Array(AgentStatus) }).annotations({ identifier: "AgentList" })

export const routes: ReadonlyArray<Route> = [
  route({
    method: "get",
    path: "/agents",
    tag: "agents",
    // Agents see their colleagues too: the workspace's transfer dialog lists who is available and how busy.
    access: ["agent"],
    summary: "Every agent's presence and capacity per channel and current load (agents and managers)",
    response: AgentList,
    handler: () =>
      Effect.map(agentBoard(), (agents) => ({
        items: agents.map((a) => ({
          ...a,
          channels: a.channels.map((ch) => ({
            channel: ch.channel,
            presence: ch.presence,
            presenceAt: ch.presenceAt,
            capacity: ch.capacity
          }))
        }))
      }))
  })
]
