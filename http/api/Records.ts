import { Schema } from "effect"
import { customerOf } from "../../db/queries/CustomerRef.ts"
import type { InteractionView } from "../../db/queries/interactionViews.ts"
import { type Case, caseState } from "../../db/schema/cases.ts"
import {
  type Feedback,
  interactionState,
  interactionSubtype,
  interactionType,
  type Message,
  messageAuthorKind,
  messageDirection
} from "../../db/schema/interactions.ts"
import { Customer, Id, Timestamp } from "./Fields.ts"

/** How stored records look on the wire: named Schemas (they become OpenAPI components) and their mappings. */

export const InteractionState = Schema.Literal(...interactionState.enumValues)
export const CaseState = Schema.Literal(...caseState.enumValues)
export const Priority = Schema.Literal(1, 2, 3, 4).annotations({ description: "1 critical … 4 low" })

export const InteractionRecord = Schema.Struct({
  id: Id,
  number: Schema.String,
  type: Schema.Literal(...interactionType.enumValues),
  subtype: Schema.Literal(...interactionSubtype.enumValues),
  state: InteractionState,
  customer: Schema.NullOr(Customer),
  customerName: Schema.NullOr(Schema.String).annotations({ description: "null while the customer is not identified" }),
  assignedTo: Schema.NullOr(Id),
  agentName: Schema.NullOr(Schema.String).annotations({ description: "the assigned agent's display name" }),
  queue: Schema.NullOr(Schema.Struct({ id: Id, name: Schema.String })),
  intent: Schema.NullOr(Schema.String),
  group: Schema.NullOr(Schema.String),
  locale: Schema.NullOr(Schema.String),
  topic: Schema.NullOr(Schema.String),
  reason: Schema.NullOr(Schema.String),
  capabilities: Schema.Array(Schema.String),
  parentId: Schema.NullOr(Id),
  openedAt: Timestamp,
  updatedAt: Timestamp,
  closedAt: Schema.NullOr(Timestamp)
}).annotations({ identifier: "Interaction" })

export const interactionRecord = (i: InteractionView): typeof InteractionRecord.Type => ({
  id: i.id,
  number: i.number,
  type: i.type,
  subtype: i.subtype,
  state: i.state,
  customer: customerOf(i) ?? null,
  customerName: i.customerName,
  assignedTo: i.assignedTo,
  agentName: i.agentName,
  queue: i.queueId === null || i.queueName === null ? null : { id: i.queueId, name: i.queueName },
  intent: i.intent,
  group: i.group,
  locale: i.locale,
  topic: i.topic,
  reason: i.reason,
  capabilities: i.capabilities,
  parentId: i.parentId,
  openedAt: i.openedAt,
  updatedAt: i.updatedAt,
  closedAt: i.closedAt
})

export const MessageRecord = Schema.Struct({
  id: Schema.Int,
  direction: Schema.Literal(...messageDirection.enumValues),
  authorKind: Schema.Literal(...messageAuthorKind.enumValues),
  authorUserId: Schema.NullOr(Id),
  kind: Schema.String.annotations({ description: "Apple's message kind (text, listPicker, form, …) or ours" }),
  body: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  createdAt: Timestamp
}).annotations({ identifier: "Message" })

export const messageRecord = (m: Message): typeof MessageRecord.Type => ({
  id: m.id,
  direction: m.direction,
  authorKind: m.authorKind,
  authorUserId: m.authorUserId,
  kind: m.kind,
  body: m.body,
  createdAt: m.createdAt
})

export const CaseRecord = Schema.Struct({
  id: Id,
  number: Schema.String,
  customer: Customer,
  shortDescription: Schema.String,
  description: Schema.String,
  state: CaseState,
  priority: Priority,
  assetId: Schema.NullOr(Id),
  interactionId: Schema.NullOr(Id),
  openedBy: Schema.NullOr(Id),
  openedAt: Timestamp,
  updatedAt: Timestamp
}).annotations({ identifier: "Case" })

const priorityOf = (p: number): 1 | 2 | 3 | 4 => (p <= 1 ? 1 : p === 2 ? 2 : p === 3 ? 3 : 4)

export const caseRecord = (c: Case): typeof CaseRecord.Type => {
  const customer = customerOf(c)
  // A check constraint gives every case exactly one customer.
  if (customer === undefined) throw new Error(`case ${c.number} has no customer`)
  return {
    id: c.id,
    number: c.number,
    customer,
    shortDescription: c.shortDescription,
    description: c.description,
    state: c.state,
    priority: priorityOf(c.priority),
    assetId: c.assetId,
    interactionId: c.interactionId,
    openedBy: c.openedBy,
    openedAt: c.openedAt,
    updatedAt: c.updatedAt
  }
}

export const FeedbackRecord = Schema.Struct({
  rating: Schema.Int.pipe(Schema.between(1, 5)),
  comment: Schema.NullOr(Schema.String),
  createdAt: Timestamp
}).annotations({ identifier: "Feedback" })

export const feedbackRecord = (f: Feedback): typeof FeedbackRecord.Type => ({
  rating: f.rating,
  comment: f.comment,
  createdAt: f.createdAt
})
