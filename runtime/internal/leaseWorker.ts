import { parentPort, workerData } from "node:worker_threads"
import { Kvm } from "@nats-io/kv"
import { connect } from "@nats-io/transport-node"
import { Schema } from "effect"
import { type FromWorker, ToWorker, WorkerData } from "./leaseWorkerProtocol.ts"
import { fromNats } from "./natsErrors.ts"

/**
 * The lease worker: a thread of its own, with a NATS connection of its own, that renews the
 * partition leases its node holds. A CPU-bound main thread (a flood of socket commands, a long
 * synchronous task) delays turns but not renewals, so busy is not taken for dead. It stops renewing
 * once the main thread has not beaten for `mainStallLimit` (hung, not busy), and reports a lease
 * lost on another holder's revision or after `selfFenceAfter` without a confirmed renewal.
 * Plain async code rather than Effect: it is a small loop, and it must not share the main runtime.
 */

const port = parentPort
if (port === null) throw new Error("leaseWorker.ts runs as a worker thread")
const data = Schema.decodeUnknownSync(WorkerData)(workerData)
const mainBeat = new BigInt64Array(data.heartbeat)
const tell = (message: FromWorker) => port.postMessage(message)
const describe = (error: unknown) => (error instanceof Error ? error.message : String(error))

interface Entry {
  readonly value: Uint8Array
  revision: number
  lastOk: number
  /** Renewals and the release run one after the other per key. */
  chain: Promise<void>
  busy: boolean
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

const main = async () => {
  const nc = await connect({ servers: [...data.servers], name: data.name, maxReconnectAttempts: -1 })
  const kv = await new Kvm(nc).open(data.bucket)
  const held = new Map<string, Entry>()
  let stalledSince: number | undefined

  const lose = (key: string, entry: Entry, reason: string) => {
    if (held.get(key) !== entry) return
    held.delete(key)
    tell({ _tag: "Lost", key, reason })
  }

  const renew = (key: string, entry: Entry) => async () => {
    if (held.get(key) !== entry) return
    const sentAt = Date.now()
    try {
      entry.revision = await kv.update(key, entry.value, entry.revision)
      entry.lastOk = sentAt
    } catch (error) {
      const mapped = fromNats({ operation: "kv.update", bucket: data.bucket, key }, ["KvConflict"])(error)
      if (mapped._tag !== "KvConflict") return
      // Maybe our own write, whose reply was lost: then carry on from its revision.
      const current = await kv.get(key).catch(() => null)
      if (current === null) return
      if (current.operation === "PUT" && sameBytes(current.value, entry.value)) entry.revision = current.revision
      else lose(key, entry, "lease lost: another holder's revision")
    }
  }

  const tick = () => {
    const now = Date.now()
    const mainAge = now - Number(Atomics.load(mainBeat, 0))
    const hung = mainAge > data.mainStallLimit
    if (hung && stalledSince === undefined) stalledSince = now
    if (!hung) stalledSince = undefined
    for (const [key, entry] of held) {
      if (now - entry.lastOk > data.selfFenceAfter) {
        lose(key, entry, `lease lost: no renewal confirmed for ${now - entry.lastOk} ms`)
        continue
      }
      // A hung main thread: let the leases lapse so other nodes take the partitions.
      if (hung || entry.busy) continue
      entry.busy = true
      entry.chain = entry.chain
        .then(renew(key, entry))
        .catch(() => {})
        .finally(() => {
          entry.busy = false
        })
    }
  }
  setInterval(tick, data.renewEvery)

  port.on("message", (raw: unknown) => {
    const decoded = Schema.decodeUnknownEither(ToWorker)(raw)
    if (decoded._tag === "Left") return
    const message = decoded.right
    if (message._tag === "Hold") {
      held.set(message.key, {
        value: message.value,
        revision: message.revision,
        lastOk: Date.now(),
        chain: Promise.resolve(),
        busy: false
      })
      return
    }
    const entry = held.get(message.key)
    if (entry === undefined) {
      tell({ _tag: "Released", key: message.key })
      return
    }
    held.delete(message.key)
    // After any renewal in flight, at the revision it wrote: a newer holder's key is untouched.
    entry.chain = entry.chain
      .then(() => kv.delete(message.key, { previousSeq: entry.revision }))
      .catch(() => {})
      .finally(() => tell({ _tag: "Released", key: message.key }))
  })
  tell({ _tag: "Ready" })
}

main().catch((error: unknown) => tell({ _tag: "Failed", reason: describe(error) }))
