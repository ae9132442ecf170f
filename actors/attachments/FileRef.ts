import { Schema } from "effect"

/** A file kept in the object store, as a message or transcript line carries it. */
export const KeptFile = Schema.TaggedStruct("Kept", {
  /** The object store id (and `attachments.id`). */
  id: Schema.String,
  name: Schema.String,
  mimeType: Schema.String,
  size: Schema.NonNegativeInt
})
export type KeptFile = typeof KeptFile.Type

/** A customer's file we do not keep, and why (too large, a type we do not take). */
export const RefusedFile = Schema.TaggedStruct("Refused", {
  name: Schema.String,
  mimeType: Schema.String,
  reason: Schema.String
})
export type RefusedFile = typeof RefusedFile.Type

/** A customer's file we could not fetch from Apple or could not store: the rest of the message still counts. */
export const UnfetchedFile = Schema.TaggedStruct("Unfetched", {
  name: Schema.String,
  mimeType: Schema.String,
  error: Schema.String
})
export type UnfetchedFile = typeof UnfetchedFile.Type

export const InboundFile = Schema.Union(KeptFile, RefusedFile, UnfetchedFile)
export type InboundFile = typeof InboundFile.Type
