import { Effect, Schema } from "effect"
import { queueStats } from "../../db/queries/reports.ts"
import { serviceChannel } from "../../db/schema/queues.ts"
import { Id } from "./Fields.ts"
import { type Route, route } from "./Route.ts"

const QueueStats = Schema.Struct({
  id: Id,
  name: Schema.String,
  description: Schema.String,
  channel: Schema.Literal(...serviceChannel.enumValues),
  waiting: Schema.Int.annotations({ description: "work not yet accepted by an agent (queued or offered)" }),
  offered: Schema.Int.annotations({ description: "of those, offered and awaiting the agent's answer" }),
  oldestWaitSeconds: Schema.NullOr(Schema.Int).annotations({ description: "null when nothing waits" }),
  agentsAvailable: Schema.Int.annotations({
    description: "agents available on the queue's channel holding all its mandatory skills"
  }),
  agentsWithCapacity: Schema.Int.annotations({ description: "of those, agents with a free slot" })
}).annotations({ identifier: "QueueStats" })

const QueueList = Schema.Struct({ items: Schema.Array(QueueStats) }).annotations({ identifier: "QueueList" })

export const routes: ReadonlyArray<Route> = [
  route({
    method: "get",
    path: "/queues",
    tag: "queues",
    access: ["agent"],
    summary: "Active queues with waiting count, oldest wait and agents available (agents and managers)",
    response: QueueList,
    handler: () => Effect.map(queueStats(), (items) => ({ items }))
  })
]
