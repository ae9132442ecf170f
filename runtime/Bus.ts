import type { Deferred, Duration, Effect, Option, Scope, Stream } from "effect"
import { Context, Data } from "effect"

/**
 * The message bus the runtime talks over: core pub/sub and request/reply, durable streams
 * (JetStream semantics) and a key/value map. Two layers implement it — NATS (`NatsBus.layer`)
 * and in-process (`MemoryBus.layer`) — and one contract suite (`test/runtime/BusContract.ts`)
 * keeps them equivalent.
 */

export type Headers = Readonly<Record<string, string>>

export class BusError extends Data.TaggedError("BusError")<{
  readonly operation: string
  readonly message: string
  readonly cause?: unknown
}> {}

/** A request or durable publish got no answer in time. */
export class BusTimeout extends Data.TaggedError("BusTimeout")<{
  readonly operation: string
  readonly subject: string
}> {}

/** A request went to a subject nobody listens on. */
export class NoResponders extends Data.TaggedError("NoResponders")<{
  readonly subject: string
}> {}

/** A KV create found the key present, or an update/delete found another revision. */
export class KvConflict extends Data.TaggedError("KvConflict")<{
  readonly bucket: string
  readonly key: string
}> {}

/** The durable consumer was deleted or replaced (e.g. a new partition owner re-created it). */
export class ConsumerGone extends Data.TaggedError("ConsumerGone")<{
  readonly stream: string
  readonly consumer: string
}> {}

/** A work-queue stream refused a consumer whose filter overlaps another consumer's. */
export class ConsumerNotUnique extends Data.TaggedError("ConsumerNotUnique")<{
  readonly stream: string
  readonly consumer: string
  readonly message: string
}> {}

export interface BusMessage {
  readonly subject: string
  readonly data: Uint8Array
  readonly headers: Headers
  /** Answers a request; fails when the message carried no reply subject. */
  readonly respond: (data: Uint8Array, headers?: Headers) => Effect.Effect<void, BusError>
}

export interface StreamSpec {
  readonly name: string
  readonly subjects: ReadonlyArray<string>
  readonly retention: "workqueue" | "limits"
  readonly replicas: number
  readonly maxBytes: number
  readonly maxMsgs: number
  readonly duplicateWindow: Duration.DurationInput
  /** Only for `limits` streams (dead letters): how long messages are kept. */
  readonly maxAge?: Duration.DurationInput
}

/** What a stream holds now (as its leader reports it). */
export interface StreamState {
  readonly messages: number
  readonly bytes: number
}

export interface ConsumerSpec {
  readonly stream: string
  /** Durable name, e.g. `conv-p07-e42`. */
  readonly name: string
  readonly filterSubject: string
  readonly ackWait: Duration.DurationInput
  readonly maxAckPending: number
}

export interface PublishAck {
  readonly stream: string
  readonly seq: number
  readonly duplicate: boolean
}

export interface PublishOptions {
  /** De-duplication id (`Nats-Msg-Id`): a second publish inside the window is not stored again. */
  readonly msgId?: string
  readonly headers?: Headers
  readonly timeout?: Duration.DurationInput
}

export interface Delivery {
  readonly subject: string
  readonly data: Uint8Array
  readonly headers: Headers
  /** The stream sequence: the actor's dedupe key. */
  readonly seq: number
  /** 1 on first delivery, more on redelivery. */
  readonly deliveryCount: number
  /** Acknowledges and waits for the server's confirmation (double ack). */
  readonly ack: Effect.Effect<void, BusError | ConsumerGone>
  /**
   * Acknowledges without waiting for a confirmation (no request on NATS). For consumers whose
   * handler already stored the sequence with its effects: a lost ack only brings a redelivery,
   * which that sequence skips; a deleted consumer shows in the pull (`ConsumerGone`) instead.
   */
  readonly ackNoWait: Effect.Effect<void, BusError>
  /** Extends the ack deadline while a turn is being retried. */
  readonly working: Effect.Effect<void, BusError>
  /** Stops redelivery for good (after dead-lettering). */
  readonly term: (reason: string) => Effect.Effect<void, BusError>
  /** Asks for redelivery after `delay`. */
  readonly nak: (delay?: Duration.DurationInput) => Effect.Effect<void, BusError>
}

export interface ConsumeOptions {
  /** How many deliveries the client buffers ahead of the reader. */
  readonly batch: number
}

export interface KvEntry {
  readonly key: string
  readonly value: Uint8Array
  readonly revision: number
}

export interface KvSpec {
  readonly bucket: string
  readonly replicas: number
  /** Bucket-wide max age of a key's latest revision (nats-server 2.9 has no per-key TTL). */
  readonly ttl?: Duration.DurationInput
}

export interface Kv {
  readonly bucket: string
  /** The latest value, or none when absent, deleted or expired. */
  readonly get: (key: string) => Effect.Effect<Option.Option<KvEntry>, BusError>
  /** Sets the key only if absent (or deleted/expired); returns the new revision. */
  readonly create: (key: string, value: Uint8Array) => Effect.Effect<number, KvConflict | BusError>
  /** Compare-and-set on `revision`; returns the new revision. */
  readonly update: (key: string, value: Uint8Array, revision: number) => Effect.Effect<number, KvConflict | BusError>
  readonly put: (key: string, value: Uint8Array) => Effect.Effect<number, BusError>
  /** Deletes; with `revision`, only if the key is still at that revision. */
  readonly delete: (key: string, revision?: number) => Effect.Effect<void, KvConflict | BusError>
  /** Every key's latest entry, deleted and expired ones left out. */
  readonly entries: Effect.Effect<ReadonlyArray<KvEntry>, BusError>
}

export interface RenewerSettings {
  readonly renewEvery: number
  /**
   * No confirmed renewal for this long (ms, from the request's sending): the lease is suspect and
   * logged as such, but kept. Only the bucket's answer (another holder's revision) ends a lease.
   */
  readonly suspectAfter: number
  /** A main thread that has not run for this long (ms) is hung, not busy: its leases are left to lapse. */
  readonly hungAfter: number
}

export interface HeldLease {
  /** Completes with the reason once the lease is lost; the holder must stop at once. */
  readonly lost: Deferred.Deferred<string>
  /** Stops renewing and deletes the key at its latest revision (a newer holder's key is untouched). */
  readonly release: Effect.Effect<void>
}

/** Keeps a node's leases (keys of one bucket) renewed until each is released or lost. */
export interface LeaseRenewer {
  /** Renews `key` (written at `revision` with `value`) from now on. */
  readonly hold: (key: string, value: Uint8Array, revision: number) => Effect.Effect<HeldLease>
}

export interface BusShape {
  /** Where the bus lives, for logs: a NATS URL list or "in-process". */
  readonly describe: string
  /** Cheap liveness probe for `/readyz`. */
  readonly ping: Effect.Effect<void, BusError | BusTimeout>
  readonly publish: (subject: string, data: Uint8Array, headers?: Headers) => Effect.Effect<void, BusError>
  /** Handles messages until the scope closes; `queue` makes subscribers share the load (each message once). */
  readonly subscribe: (
    subject: string,
    handler: (message: BusMessage) => Effect.Effect<void>,
    options?: { readonly queue?: string }
  ) => Effect.Effect<void, BusError, Scope.Scope>
  readonly request: (
    subject: string,
    data: Uint8Array,
    options: { readonly timeout: Duration.DurationInput; readonly headers?: Headers }
  ) => Effect.Effect<BusMessage, NoResponders | BusTimeout | BusError>
  /** Creates the stream or updates it to `spec`; idempotent. */
  readonly ensureStream: (spec: StreamSpec) => Effect.Effect<void, BusError>
  readonly deleteStream: (name: string) => Effect.Effect<void, BusError>
  /** How many messages and bytes the stream holds now. */
  readonly streamState: (name: string) => Effect.Effect<StreamState, BusError>
  /** Publishes to a stream and waits for the store's acknowledgement. */
  readonly publishDurable: (
    subject: string,
    data: Uint8Array,
    options?: PublishOptions
  ) => Effect.Effect<PublishAck, BusTimeout | BusError>
  /**
   * Creates the durable pull consumer, or takes one of that name as it is (updating its settings).
   * `BusTimeout`: no reply, and the create may still have landed.
   */
  readonly ensureConsumer: (spec: ConsumerSpec) => Effect.Effect<void, BusError | BusTimeout | ConsumerNotUnique>
  /**
   * Names of a stream's durable consumers, every one the cluster has assigned — also one whose
   * leader does not answer, which a full listing leaves out (and which still blocks an
   * overlapping filter on a workqueue stream).
   */
  readonly consumerNames: (stream: string) => Effect.Effect<ReadonlyArray<string>, BusError>
  /** Deletes a durable consumer; absent is fine. Un-acked messages become deliverable to the next consumer. */
  readonly deleteConsumer: (stream: string, name: string) => Effect.Effect<void, BusError>
  /**
   * Pulls from a durable consumer. The stream fails with `ConsumerGone` when the consumer is deleted.
   * Pulling stops while the reader does not take (back-pressure).
   */
  readonly consume: (
    stream: string,
    consumer: string,
    options: ConsumeOptions
  ) => Stream.Stream<Delivery, BusError | ConsumerGone>
  readonly kv: (spec: KvSpec) => Effect.Effect<Kv, BusError>
  /**
   * Renews keys of a bucket from a thread of its own, on a connection of its own, so a busy event
   * loop does not delay them. Absent on a bus that lives in this thread only (in-process).
   */
  readonly leaseRenewer?: (
    bucket: string,
    settings: RenewerSettings
  ) => Effect.Effect<LeaseRenewer, BusError, Scope.Scope>
  readonly deleteKv: (bucket: string) => Effect.Effect<void, BusError>
}

export class Bus extends Context.Tag("parley/runtime/Bus")<Bus, BusShape>() {}
