import { Effect, Schema } from "effect"
import { casesOfInteraction } from "../../db/queries/cases.ts"
import { feedbackOf } from "../../db/queries/feedback.ts"
import { findInteractionView, listInteractionViews } from "../../db/queries/interactionViews.ts"
import { transcript } from "../../db/queries/messages.ts"
import { interactionSubtype, interactionType } from "../../db/schema/interactions.ts"
import { interactionVisibility } from "./Access.ts"
import { NotFound } from "./ApiFailure.ts"
import { Id, IdParams, Limit, TimeRange } from "./Fields.ts"
import {
  CaseRecord,
  caseRecord,
  FeedbackRecord,
  feedbackRecord,
  InteractionRecord,
  InteractionState,
  interactionRecord,
  MessageRecord,
  messageRecord
} from "./Records.ts"
import { type Route, route } from "./Route.ts"

/** Where the previous page ended, opaque to clients (base64url JSON). */
const Cursor = Schema.compose(
  Schema.StringFromBase64Url,
  Schema.parseJson(
    Schema.Struct({
      openedAt: Schema.String.pipe(Schema.pattern(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)),
      id: Schema.UUID
    })
  )
).annotations({ description: "`nextCursor` of the previous page" })

const ListQuery = Schema.Struct({
  type: Schema.optional(Schema.Literal(...interactionType.enumValues)),
  subtype: Schema.optional(Schema.Literal(...interactionSubtype.enumValues)),
  state: Schema.optional(InteractionState),
  queue: Schema.optional(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200))).annotations({
    description: "queue name"
  }),
  agent: Schema.optional(Id.annotations({ description: "assigned agent's user id" })),
  customer: Schema.optional(Id.annotations({ description: "contact or consumer id" })),
  ...TimeRange,
  limit: Limit,
  cursor: Schema.optional(Cursor)
})

const InteractionPage = Schema.Struct({
  items: Schema.Array(InteractionRecord),
  nextCursor: Schema.optional(Schema.String).annotations({ description: "absent on the last page" })
}).annotations({ identifier: "InteractionPage" })

const InteractionDetail = Schema.Struct({
  interaction: InteractionRecord,
  transcript: Schema.Array(MessageRecord),
  cases: Schema.Array(CaseRecord),
  feedback: Schema.NullOr(FeedbackRecord)
}).annotations({ identifier: "InteractionDetail" })

const encodeCursor = Schema.encodeSync(Cursor)

/** A transcript longer than this is cut; no chat in the product's story comes near it. */
const transcriptCap = 5000

const tag = "interactions"

export const routes: ReadonlyArray<Route> = [
  route({
    method: "get",
    path: "/interactions",
    tag,
    access: "signedIn",
    summary: "Interactions newest first: managers see all, agents those assigned to them, customers their own",
    query: ListQuery,
    response: InteractionPage,
    handler: ({ principal, query }) =>
      listInteractionViews(interactionVisibility(principal), {
        ...(query.type === undefined ? {} : { type: query.type }),
        ...(query.subtype === undefined ? {} : { subtype: query.subtype }),
        ...(query.state === undefined ? {} : { state: query.state }),
        ...(query.queue === undefined ? {} : { queueName: query.queue }),
        ...(query.agent === undefined ? {} : { agentId: query.agent }),
        ...(query.customer === undefined ? {} : { customerId: query.customer }),
        ...(query.from === undefined ? {} : { openedFrom: query.from }),
        ...(query.to === undefined ? {} : { openedBefore: query.to }),
        ...(query.cursor === undefined ? {} : { after: query.cursor }),
        limit: query.limit
      }).pipe(
        Effect.map((page) => ({
          items: page.items.map(interactionRecord),
          ...(page.next === undefined ? {} : { nextCursor: encodeCursor(page.next) })
        }))
      )
  }),
  route({
    method: "get",
    path: "/interactions/:id",
    tag,
    access: "signedIn",
    summary: "One interaction with its full transcript, linked cases and feedback (404 if not yours to see)",
    errors: ["not_found"],
    params: IdParams,
    response: InteractionDetail,
    handler: ({ principal, params }) =>
      Effect.gen(function* () {
        const interaction = yield* findInteractionView(params.id, interactionVisibility(principal))
        if (interaction === undefined) return yield* new NotFound({ entity: "interaction" })
        const [messages, cases, feedback] = yield* Effect.all([
          transcript(interaction.id, { limit: transcriptCap }),
          casesOfInteraction(interaction.id),
          feedbackOf(interaction.id)
        ])
        return {
          interaction: interactionRecord(interaction),
          transcript: messages.map(messageRecord),
          cases: cases.map(caseRecord),
          feedback: feedback === undefined ? null : feedbackRecord(feedback)
        }
      })
  })
]
