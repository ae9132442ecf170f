import { parentPort, workerData } from "node:worker_threads"
import { Kvm } from "@nats-io/kv"
import { connect } from "@nats-io/transport-node"
import { Schema } from "effect"
import { afterConflict, suspectReason, takenAfterLapse } from "./leaseAnswer.ts"
import { type FromWorker, ToWorker, WorkerData } from "./leaseWorkerProtocol.ts"
import { fromNats } from "./natsErrors.ts"

/**
 * The lease worker: a thread of its own, with a NATS connection of its own, that renews the
 * partition leases its node holds. A CPU-bound main thread (a flood of socket commands, a long
 * synchronous task) delays turns but not renewals, so busy is not taken for dead. It stops renewing
 * once the main thread has not beaten for `mainStallLimit` (hung, not busy). Only the bucket's
 * answer ends a lease (`leaseAnswer.ts`): another holder's revision, or another node creating the
 * key first after it lapsed. Renewals that get no answer leave it held, reported suspect after
 * `suspectAfter`. Plain async code rather than Effect: it is a small loop, and it must not share
 * the main runtime.
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
  /** The latest renewal got no answer from the bucket. */
  unanswered: boolean
}

/**
 * How soon a renewal that got no answer is tried again (ms). A key that lapsed during a JetStream
 * election is then created again within this of the bucket's return, before a node whose view of
 * the members dropped this one (its heartbeats failed too) asks for it.
 */
const retryUnansweredEvery = 250

const main = async () => {
  // No async stack traces: a renewal is a request, and each would capture one (as `runtime/NatsBus.ts`).
  const nc = await connect({
    servers: [...data.servers],
    name: data.name,
    maxReconnectAttempts: -1,
    noAsyncTraces: true
  })
  const kv = await new Kvm(nc).open(data.bucket)
  const held = new Map<string, Entry>()
  let stalledSince: number | undefined
  /** Since when some lease has been suspect (undefined: none is). */
  let suspectSince: number | undefined

  const lose = (key: string, entry: Entry, reason: string) => {
    if (held.get(key) !== entry) return
    held.delete(key)
    tell({ _tag: "Lost", key, reason })
  }
  const conflict = (operation: string, key: string, error: unknown) =>
    fromNats({ operation, bucket: data.bucket, key }, ["KvConflict"])(error)._tag === "KvConflict"

  const renew = (key: string, entry: Entry) => async () => {
    if (held.get(key) !== entry) return
    const sentAt = Date.now()
    entry.unanswered = false
    try {
      entry.revision = await kv.update(key, entry.value, entry.revision)
      entry.lastOk = sentAt
      return
    } catch (error) {
      // No answer (no leader, no connection): still ours, suspect; tried again shortly.
      if (!conflict("kv.update", key, error)) {
        entry.unanswered = true
        return
      }
    }
    const current = await kv.get(key)
    const next = afterConflict(entry.value, current?.operation === "PUT" ? current : undefined)
    if (next._tag === "Lost") return lose(key, entry, next.reason)
    if (next._tag === "Adopt") {
      entry.revision = next.revision
      return
    }
    try {
      entry.revision = await kv.create(key, entry.value)
      entry.lastOk = sentAt
    } catch (error) {
      if (conflict("kv.create", key, error)) lose(key, entry, takenAfterLapse)
    }
  }

  const tick = () => {
    const now = Date.now()
    const mainAge = now - Number(Atomics.load(mainBeat, 0))
    const hung = mainAge > data.mainStallLimit
    if (hung && stalledSince === undefined) stalledSince = now
    if (!hung) stalledSince = undefined
    let suspect = 0
    let oldest = now
    for (const [key, entry] of held) {
      if (now - entry.lastOk > data.suspectAfter) suspect++
      oldest = Math.min(oldest, entry.lastOk)
      // A hung main thread: let the leases lapse so other nodes take the partitions.
      if (hung || entry.busy) continue
      // Between regular renewals only the ones that got no answer are retried.
      if (!entry.unanswered && now - entry.lastOk < data.renewEvery - retryUnansweredEvery) continue
      entry.busy = true
      entry.chain = entry.chain
        .then(renew(key, entry))
        .catch(() => {})
        .finally(() => {
          entry.busy = false
        })
    }
    if (suspect > 0 && suspectSince === undefined) {
      suspectSince = oldest
      tell({ _tag: "Suspect", leases: suspect, reason: suspectReason(now - oldest) })
    }
    if (suspect === 0 && suspectSince !== undefined) {
      tell({ _tag: "Confirmed", after: now - suspectSince })
      suspectSince = undefined
    }
  }
  const schedule = () => {
    const retry = [...held.values()].some((entry) => entry.unanswered)
    setTimeout(
      () => {
        tick()
        schedule()
      },
      retry ? Math.min(retryUnansweredEvery, data.renewEvery) : data.renewEvery
    )
  }
  schedule()

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
        busy: false,
        unanswered: false
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
