import { Schema } from "effect"
import { InboundMessageNormalized } from "./InboundMessage.ts"
import { Tapback } from "./Tapback.ts"

/**
 * One inbound message with the headers that matter downstream. Encodes to plain JSON (the
 * receive time as ISO text), so it can travel on NATS as is.
 */
export const InboundEnvelope = Schema.Struct({
  message: InboundMessageNormalized,
  /** Apple's message id (header `id`, else body `id`): the de-duplication key. */
  messageId: Schema.String,
  /** `source-id`: the customer's opaque id for this business. */
  sourceId: Schema.String,
  /** `destination-id`: our business id. */
  destinationId: Schema.String,
  /** `capability-list` (or legacy `capabilities`), upper-cased. */
  capabilities: Schema.Array(Schema.String),
  deviceAgent: Schema.optional(Schema.String),
  locale: Schema.optional(Schema.String),
  intent: Schema.optional(Schema.String),
  group: Schema.optional(Schema.String),
  /** Set when a `text` reads as a tapback sentence. */
  tapback: Schema.optional(Tapback),
  receivedAt: Schema.DateTimeUtc
})
export type InboundEnvelope = typeof InboundEnvelope.Type
