import { Clock, Effect, Option } from "effect"
import type { Kv, KvSpec } from "../Bus.ts"
import { BusError, KvConflict } from "../Bus.ts"
import { millis } from "./busDurations.ts"

interface Revision {
  readonly value: Uint8Array
  readonly revision: number
  readonly at: number
  readonly deleted: boolean
}

interface Bucket {
  spec: KvSpec
  /** Like the bucket stream's sequence in NATS: never reused, so revisions only grow. */
  seq: number
  readonly latest: Map<string, Revision>
}

export interface MemoryKv {
  readonly kv: (spec: KvSpec) => Effect.Effect<Kv, BusError>
  readonly deleteKv: (bucket: string) => Effect.Effect<void, BusError>
}

// The key syntax @nats-io/kv enforces, so a key that works here also works on NATS.
const validKey = /^[-/=.\w]+$/

export const makeMemoryKv = (): MemoryKv => {
  const buckets = new Map<string, Bucket>()

  /** The bucket and its live latest revisions; expired ones are dropped, as `max_age` drops them in NATS. */
  const open = Effect.fnUntraced(function* (name: string, operation: string, key?: string) {
    if (key !== undefined && !validKey.test(key)) {
      return yield* new BusError({ operation: `kv.${operation}`, message: `invalid key ${JSON.stringify(key)}` })
    }
    const bucket = buckets.get(name)
    if (bucket === undefined) {
      return yield* new BusError({ operation: `kv.${operation}`, message: `bucket ${name} not found` })
    }
    const now = yield* Clock.currentTimeMillis
    if (bucket.spec.ttl !== undefined) {
      const ttl = millis(bucket.spec.ttl)
      for (const [key, entry] of bucket.latest) if (entry.at + ttl <= now) bucket.latest.delete(key)
    }
    return { bucket, now }
  })

  const write = (bucket: Bucket, now: number, key: string, value: Uint8Array, deleted: boolean): number => {
    bucket.seq += 1
    bucket.latest.set(key, { value, revision: bucket.seq, at: now, deleted })
    return bucket.seq
  }

  const handle = (name: string): Kv => ({
    bucket: name,
    get: (key) =>
      open(name, "get", key).pipe(
        Effect.map(({ bucket }) => {
          const entry = bucket.latest.get(key)
          return entry === undefined || entry.deleted
            ? Option.none()
            : Option.some({ key, value: entry.value, revision: entry.revision })
        })
      ),
    create: Effect.fn("MemoryBus.kv.create")(function* (key: string, value: Uint8Array) {
      const { bucket, now } = yield* open(name, "create", key)
      const entry = bucket.latest.get(key)
      if (entry !== undefined && !entry.deleted) return yield* new KvConflict({ bucket: name, key })
      return write(bucket, now, key, value, false)
    }),
    update: Effect.fn("MemoryBus.kv.update")(function* (key: string, value: Uint8Array, revision: number) {
      const { bucket, now } = yield* open(name, "update", key)
      if (bucket.latest.get(key)?.revision !== revision) return yield* new KvConflict({ bucket: name, key })
      return write(bucket, now, key, value, false)
    }),
    put: (key, value) =>
      open(name, "put", key).pipe(Effect.map(({ bucket, now }) => write(bucket, now, key, value, false))),
    delete: Effect.fn("MemoryBus.kv.delete")(function* (key: string, revision?: number) {
      const { bucket, now } = yield* open(name, "delete", key)
      if (revision !== undefined && bucket.latest.get(key)?.revision !== revision) {
        return yield* new KvConflict({ bucket: name, key })
      }
      write(bucket, now, key, new Uint8Array(), true)
    }),
    entries: open(name, "entries").pipe(
      Effect.map(({ bucket }) =>
        [...bucket.latest]
          .filter(([, entry]) => !entry.deleted)
          .map(([key, entry]) => ({ key, value: entry.value, revision: entry.revision }))
      )
    )
  })

  const kv = (spec: KvSpec) =>
    Effect.sync(() => {
      const existing = buckets.get(spec.bucket)
      if (existing === undefined) buckets.set(spec.bucket, { spec, seq: 0, latest: new Map() })
      else existing.spec = spec
      return handle(spec.bucket)
    })

  const deleteKv = (bucket: string) =>
    Effect.sync(() => {
      buckets.delete(bucket)
    })

  return { kv, deleteKv }
}
