import type { JetStreamManager } from "@nats-io/jetstream"
import type { KV } from "@nats-io/kv"
import { Kvm } from "@nats-io/kv"
import type { NatsConnection } from "@nats-io/transport-node"
import { Effect, Option } from "effect"
import type { BusError, Kv, KvSpec } from "../Bus.ts"
import { millis, nanos } from "./busDurations.ts"
import { ignoreNotFound, provisioning, tryNats } from "./natsErrors.ts"

const streamOf = (bucket: string): string => `KV_${bucket}`

const handle = (bucket: string, kv: KV, jsm: JetStreamManager): Kv => {
  const subjectPrefix = `$KV.${bucket}.`
  const context = (operation: string, key?: string) =>
    key === undefined ? { operation: `kv.${operation}`, bucket } : { operation: `kv.${operation}`, bucket, key }
  const self: Kv = {
    bucket,
    get: (key) =>
      tryNats(context("get", key), () => kv.get(key)).pipe(
        Effect.map((entry) =>
          // A delete leaves a marker entry behind; for us the key is absent.
          entry === null || entry.operation !== "PUT"
            ? Option.none()
            : Option.some({ key, value: entry.value, revision: entry.revision })
        )
      ),
    create: (key, value) => tryNats(context("create", key), () => kv.create(key, value), ["KvConflict"]),
    update: (key, value, revision) =>
      tryNats(context("update", key), () => kv.update(key, value, revision), ["KvConflict"]),
    put: (key, value) => tryNats(context("put", key), () => kv.put(key, value)),
    delete: (key, revision) =>
      tryNats(context("delete", key), () => kv.delete(key, revision === undefined ? {} : { previousSeq: revision }), [
        "KvConflict"
      ]),
    // The keys from the stream's subject counts (one request), not `kv.keys()`: that opens an
    // ordered consumer per listing, and listings cut short by a timeout left dozens of them behind.
    entries: tryNats(context("entries"), () =>
      jsm.streams.info(streamOf(bucket), { subjects_filter: `${subjectPrefix}>` })
    ).pipe(
      Effect.flatMap((info) =>
        Effect.forEach(
          Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(subjectPrefix.length)),
          (key) => self.get(key),
          { concurrency: 16 }
        )
      ),
      Effect.map((found) => found.flatMap(Option.toArray))
    )
  }
  return self
}

/**
 * Opens or creates the bucket (`history: 1`). `Kvm.create` leaves an existing bucket as it is,
 * so a changed ttl is applied to the bucket's stream afterwards.
 */
export const openKv = (nc: NatsConnection, jsm: JetStreamManager, spec: KvSpec): Effect.Effect<Kv, BusError> =>
  provisioning({ operation: "kv", bucket: spec.bucket }, async () => {
    const ttl = spec.ttl === undefined ? 0 : millis(spec.ttl)
    const kv = await new Kvm(nc).create(spec.bucket, {
      replicas: spec.replicas,
      history: 1,
      ...(ttl > 0 ? { ttl } : {})
    })
    const info = await jsm.streams.info(streamOf(spec.bucket))
    const maxAge = ttl > 0 ? nanos(spec.ttl ?? 0) : 0
    if (info.config.max_age !== maxAge) {
      const window = info.config.duplicate_window
      await jsm.streams.update(streamOf(spec.bucket), {
        max_age: maxAge,
        duplicate_window: maxAge > 0 ? Math.min(window, maxAge) : window
      })
    }
    return handle(spec.bucket, kv, jsm)
  })

export const deleteKv = (jsm: JetStreamManager, bucket: string) =>
  tryNats({ operation: "deleteKv", bucket }, async () => {
    await jsm.streams.delete(streamOf(bucket)).catch(ignoreNotFound)
  })
