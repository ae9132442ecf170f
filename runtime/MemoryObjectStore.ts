import { Effect, Layer, Option, Stream } from "effect"
import { ObjectStore, type ObjectStoreShape, type StoredObject } from "./ObjectStore.ts"

/** Chunks handed out by `get`, as the NATS store hands out its 128 KiB chunks. */
const chunkBytes = 128 * 1024

/** The object store inside one process, for `npm start` without NATS_URL and for fast tests. */
export const make = (): ObjectStoreShape => {
  const objects = new Map<string, { readonly info: StoredObject; readonly bytes: Uint8Array }>()
  return {
    describe: "in-process",
    put: (id, meta, data) =>
      Effect.sync(() => {
        const info: StoredObject = { id, name: meta.name, contentType: meta.contentType, size: data.length }
        // A copy: the caller may reuse its buffer.
        objects.set(id, { info, bytes: Uint8Array.from(data) })
        return info
      }),
    info: (id) => Effect.sync(() => Option.map(Option.fromNullable(objects.get(id)), (o) => o.info)),
    get: (id) =>
      Effect.sync(() =>
        Option.map(Option.fromNullable(objects.get(id)), ({ info, bytes }) => ({
          info,
          data: Stream.fromIterable(
            Array.from({ length: Math.ceil(bytes.length / chunkBytes) }, (_, i) =>
              bytes.subarray(i * chunkBytes, (i + 1) * chunkBytes)
            )
          )
        }))
      ),
    remove: (id) =>
      Effect.sync(() => {
        objects.delete(id)
      })
  }
}

export const layer: Layer.Layer<ObjectStore> = Layer.sync(ObjectStore, make)
