import { Schema } from "effect"

/**
 * What the main thread and the lease worker (`leaseWorker.ts`) say to each other, decoded on
 * arrival on both sides. The worker renews; the main thread decides what to hold and release.
 */

export const WorkerData = Schema.Struct({
  servers: Schema.Array(Schema.String),
  name: Schema.String,
  bucket: Schema.String,
  renewEvery: Schema.Number,
  /** A lease without a confirmed renewal for this long is reported suspect (it is still held). */
  suspectAfter: Schema.Number,
  /** The main thread's last beat (epoch ms in a BigInt64Array of one element). */
  heartbeat: Schema.instanceOf(SharedArrayBuffer),
  /** A main thread silent for this long is hung, not busy: its leases are left to lapse. */
  mainStallLimit: Schema.Number
})
export type WorkerData = typeof WorkerData.Type

export const Hold = Schema.TaggedStruct("Hold", {
  key: Schema.String,
  value: Schema.Uint8ArrayFromSelf,
  revision: Schema.Number
})
export const Release = Schema.TaggedStruct("Release", { key: Schema.String })
export const ToWorker = Schema.Union(Hold, Release)
export type ToWorker = typeof ToWorker.Type

export const Ready = Schema.TaggedStruct("Ready", {})
export const Failed = Schema.TaggedStruct("Failed", { reason: Schema.String })
export const Lost = Schema.TaggedStruct("Lost", { key: Schema.String, reason: Schema.String })
export const Released = Schema.TaggedStruct("Released", { key: Schema.String })
/** Some leases have had no renewal confirmed for `suspectAfter`: the bucket does not answer. */
export const Suspect = Schema.TaggedStruct("Suspect", { leases: Schema.Number, reason: Schema.String })
/** Every lease is confirmed again. */
export const Confirmed = Schema.TaggedStruct("Confirmed", { after: Schema.Number })
export const FromWorker = Schema.Union(Ready, Failed, Lost, Released, Suspect, Confirmed)
export type FromWorker = typeof FromWorker.Type
