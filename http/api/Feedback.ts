import { Effect, Schema } from "effect"
import { feedbackPage, feedbackSummary } from "../../db/queries/reports.ts"
import { Id, Limit, Offset, Timestamp, timestamp } from "./Fields.ts"
import { type Route, route } from "./Route.ts"

const Window = {
  from: Schema.optional(timestamp("given at or after (inclusive)")),
  to: Schema.optional(timestamp("given before (exclusive)"))
}

const FeedbackEntry = Schema.Struct({
  id: Id,
  interactionId: Id,
  interactionNumber: Schema.String,
  rating: Schema.Int,
  comment: Schema.NullOr(Schema.String),
  createdAt: Timestamp,
  queueId: Schema.NullOr(Id),
  queueName: Schema.NullOr(Schema.String),
  agentId: Schema.NullOr(Id),
  agentName: Schema.NullOr(Schema.String)
}).annotations({ identifier: "FeedbackEntry" })

const FeedbackPage = Schema.Struct({
  items: Schema.Array(FeedbackEntry),
  nextOffset: Schema.optional(Schema.Int).annotations({ description: "absent on the last page" })
}).annotations({ identifier: "FeedbackPage" })

const RatingGroup = Schema.Struct({
  id: Schema.NullOr(Id).annotations({ description: "null: interactions without a queue or an agent" }),
  name: Schema.NullOr(Schema.String),
  count: Schema.Int,
  average: Schema.Number
}).annotations({ identifier: "RatingGroup" })

const FeedbackSummary = Schema.Struct({
  overall: Schema.Struct({ count: Schema.Int, average: Schema.NullOr(Schema.Number) }),
  byQueue: Schema.Array(RatingGroup),
  byAgent: Schema.Array(RatingGroup)
}).annotations({ identifier: "FeedbackSummary" })

const window = (query: { readonly from?: Date | undefined; readonly to?: Date | undefined }) => ({
  ...(query.from === undefined ? {} : { from: query.from }),
  ...(query.to === undefined ? {} : { before: query.to })
})

const tag = "feedback"

export const routes: ReadonlyArray<Route> = [
  route({
    method: "get",
    path: "/feedback",
    tag,
    access: ["manager"],
    summary: "Customers' ratings newest first, with the interaction's queue and agent (managers)",
    query: Schema.Struct({ ...Window, limit: Limit, offset: Offset }),
    response: FeedbackPage,
    handler: ({ query }) =>
      Effect.map(feedbackPage({ ...window(query), limit: query.limit, offset: query.offset }), (page) => ({
        items: page.items,
        ...(page.more ? { nextOffset: query.offset + query.limit } : {})
      }))
  }),
  route({
    method: "get",
    path: "/feedback/summary",
    tag,
    access: ["manager"],
    summary: "Average rating and count overall, per queue and per agent (managers)",
    query: Schema.Struct(Window),
    response: FeedbackSummary,
    handler: ({ query }) => feedbackSummary(window(query))
  })
]
