import type { Effect, Option, Stream } from "effect"
import { Context, Data } from "effect"

/**
 * Named blobs kept beside the bus (attachments, files): one id, its bytes, a name and a content
 * type. Two layers implement it — JetStream's object store (`NatsObjectStore.layer`, replicated
 * like the streams) and in-process (`MemoryObjectStore.layer`, for the embedded mode) — and one
 * contract suite (`test/runtime/ObjectStoreContract.ts`) keeps them equivalent.
 */

export class ObjectStoreError extends Data.TaggedError("ObjectStoreError")<{
  readonly operation: string
  readonly id: string
  readonly message: string
  readonly cause?: unknown
}> {}

export interface ObjectMeta {
  /** The file name to offer when the object is downloaded. */
  readonly name: string
  readonly contentType: string
}

export interface StoredObject extends ObjectMeta {
  readonly id: string
  /** Bytes stored. */
  readonly size: number
}

export interface ObjectContent {
  readonly info: StoredObject
  /** The bytes in chunks as they are read, so a large object is never held whole. */
  readonly data: Stream.Stream<Uint8Array, ObjectStoreError>
}

export interface ObjectStoreShape {
  /** Where the objects live, for the start-up log. */
  readonly describe: string
  /** Stores the bytes under `id`, replacing what was there: a repeated put (a retried turn) is harmless. */
  readonly put: (id: string, meta: ObjectMeta, data: Uint8Array) => Effect.Effect<StoredObject, ObjectStoreError>
  /** What is stored under `id`, without reading the bytes. */
  readonly info: (id: string) => Effect.Effect<Option.Option<StoredObject>, ObjectStoreError>
  /** The object with its bytes as a stream; none for an unknown id. */
  readonly get: (id: string) => Effect.Effect<Option.Option<ObjectContent>, ObjectStoreError>
  /** Removes the object; an unknown id is not an error. */
  readonly remove: (id: string) => Effect.Effect<void, ObjectStoreError>
}

export class ObjectStore extends Context.Tag("parley/runtime/ObjectStore")<ObjectStore, ObjectStoreShape>() {}
