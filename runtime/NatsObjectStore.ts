import { type ObjectStore as NatsStore, Objm, StorageType } from "@nats-io/obj"
import type { NatsConnection } from "@nats-io/transport-node"
import { connect } from "@nats-io/transport-node"
import { Effect, Layer, Option, Stream } from "effect"
import { ObjectStore, ObjectStoreError, type ObjectStoreShape, type StoredObject } from "./ObjectStore.ts"

export interface NatsObjectStoreOptions {
  readonly servers: ReadonlyArray<string>
  /** Connection name, shown by the server. */
  readonly name: string
  /** The bucket (its stream is `OBJ_<bucket>`). */
  readonly bucket: string
  /** Like the streams' (`RuntimeConfig.streamReplicas`): 3 on a cluster, so a lost server loses no file. */
  readonly replicas: number
  /** Bytes the bucket holds at most; past it puts fail rather than old files being dropped. */
  readonly maxBytes?: number
}

// Kept in the object's own meta record (client-side JSON, so nats-server 2.9 stores it too).
const nameKey = "parley-name"
const typeKey = "parley-content-type"

const fail = (operation: string, id: string) => (cause: unknown) =>
  new ObjectStoreError({
    operation,
    id,
    message: cause instanceof Error ? cause.message : String(cause),
    cause
  })

const attempt = <A>(operation: string, id: string, run: () => Promise<A>) =>
  Effect.tryPromise({ try: run, catch: fail(operation, id) })

const toStored = (id: string, info: { size: number; metadata?: Record<string, string> | undefined }): StoredObject => ({
  id,
  name: info.metadata?.[nameKey] ?? id,
  contentType: info.metadata?.[typeKey] ?? "application/octet-stream",
  size: info.size
})

const shape = (options: NatsObjectStoreOptions, store: NatsStore): ObjectStoreShape => ({
  describe: `NATS object store ${options.bucket} (${options.replicas} replica${options.replicas === 1 ? "" : "s"})`,
  put: (id, meta, data) =>
    attempt("put", id, () =>
      store.putBlob({ name: id, metadata: { [nameKey]: meta.name, [typeKey]: meta.contentType } }, data)
    ).pipe(Effect.map((info) => toStored(id, info))),
  info: (id) =>
    attempt("info", id, () => store.info(id)).pipe(
      Effect.map((info) => (info === null || info.deleted ? Option.none() : Option.some(toStored(id, info))))
    ),
  get: (id) =>
    attempt("get", id, () => store.get(id)).pipe(
      Effect.map((result) => {
        if (result === null || result.info.deleted) return Option.none()
        // The chunks as they arrive; `error` says afterwards whether the whole object came (digest checked).
        const chunks = Stream.fromReadableStream(() => result.data, fail("get", id))
        const complete = Stream.fromEffect(
          attempt("get", id, () => result.error).pipe(
            // nats.js resolves it to `undefined`, not the `null` its type promises, when all is well.
            Effect.flatMap((error: Error | null | undefined) =>
              error === null || error === undefined ? Effect.void : Effect.fail(fail("get", id)(error))
            )
          )
        ).pipe(Stream.drain)
        return Option.some({ info: toStored(id, result.info), data: Stream.concat(chunks, complete) })
      })
    ),
  remove: (id) =>
    attempt("remove", id, async () => {
      const info = await store.info(id)
      if (info !== null && !info.deleted) await store.delete(id)
    })
})

export const make = (options: NatsObjectStoreOptions) =>
  Effect.gen(function* () {
    const nc: NatsConnection = yield* Effect.acquireRelease(
      attempt("connect", options.bucket, () =>
        connect({ servers: [...options.servers], name: options.name, maxReconnectAttempts: -1 })
      ),
      (connection) =>
        attempt("drain", options.bucket, () => connection.drain()).pipe(
          Effect.catchAll((error) => Effect.logWarning("NATS object store drain failed", error))
        )
    )
    // `create` opens the bucket if it exists already (another node made it).
    const store = yield* attempt("open", options.bucket, () =>
      new Objm(nc).create(options.bucket, {
        storage: StorageType.File,
        replicas: options.replicas,
        ...(options.maxBytes !== undefined ? { max_bytes: options.maxBytes } : {})
      })
    )
    return shape(options, store)
  })

/** The object store on its own connection, drained when the layer's scope closes. */
export const layer = (options: NatsObjectStoreOptions): Layer.Layer<ObjectStore, ObjectStoreError> =>
  Layer.scoped(ObjectStore, make(options))
