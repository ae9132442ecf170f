import { Effect, Schema } from "effect"
import { topicById } from "../../actors/virtual-agent/Topics.ts"
import { virtualAgentReport } from "../../db/queries/reports.ts"
import { timestamp } from "./Fields.ts"
import { type Route, route } from "./Route.ts"

const TopicOutcomes = Schema.Struct({
  topic: Schema.String.annotations({ description: "the virtual agent's topic id" }),
  title: Schema.String,
  started: Schema.Int.annotations({ description: "interactions in which the customer asked about it" }),
  resolvedByBot: Schema.Int,
  handedOff: Schema.Int,
  abandoned: Schema.Int,
  inProgress: Schema.Int.annotations({ description: "open, no outcome yet" }),
  questions: Schema.Int.annotations({ description: "asked as a question (how do I…?)" }),
  requests: Schema.Int.annotations({ description: "asked as a request (I need…)" }),
  feedbackCount: Schema.Int,
  averageFeedback: Schema.NullOr(Schema.Number).annotations({ description: "1–5; null without feedback" })
}).annotations({ identifier: "TopicOutcomes" })

const VirtualAgentReport = Schema.Struct({ topics: Schema.Array(TopicOutcomes) }).annotations({
  identifier: "VirtualAgentReport"
})

export const routes: ReadonlyArray<Route> = [
  route({
    method: "get",
    path: "/reports/virtual-agent",
    tag: "reports",
    access: ["manager"],
    summary:
      "Per virtual-agent topic: conversations started, resolved by the bot, handed off, abandoned, and their average feedback (managers)",
    query: Schema.Struct({
      from: Schema.optional(timestamp("interactions opened at or after (inclusive)")),
      to: Schema.optional(timestamp("interactions opened before (exclusive)"))
    }),
    response: VirtualAgentReport,
    handler: ({ query }) =>
      Effect.map(
        virtualAgentReport({
          ...(query.from === undefined ? {} : { from: query.from }),
          ...(query.to === undefined ? {} : { before: query.to })
        }),
        (rows) => ({ topics: rows.map((r) => ({ ...r, title: topicById(r.topic)?.title ?? r.topic })) })
      )
  })
]
