import { readFileSync } from "node:fs"
import { hostname } from "node:os"
import { Deferred, Effect, Fiber, Option, Ref, Schedule, Schema, type Scope } from "effect"
import { type BusError, BusTimeout, type Kv } from "./Bus.ts"

/**
 * Which runtime nodes are alive: each node writes its entry in the `<prefix>_nodes` bucket and
 * rewrites it every few seconds; the bucket's TTL drops the entry of a node that stopped doing so
 * (crashed, paused, cut off). Every node lists the bucket to know the live set, from which
 * placement (rendezvous hashing) decides which partitions are whose (docs/cluster.md, "How work is shared").
 */

/** Which of the members a key belongs to (rendezvous hashing): the same answer on every node with the same view. */
export { winner } from "./internal/rendezvous.ts"

/** A node's heartbeat entry, as stored in the bucket (JSON). */
export const NodeInfo = Schema.Struct({
  id: Schema.String,
  /** Epoch milliseconds. */
  startedAt: Schema.Number,
  /** Epoch milliseconds of the latest heartbeat. */
  heartbeatAt: Schema.Number,
  host: Schema.String,
  pid: Schema.Number,
  version: Schema.String
})
export type NodeInfo = typeof NodeInfo.Type

const NodeInfoJson = Schema.parseJson(NodeInfo)

/** The live members as this node last saw them: sorted ids, always including itself until it leaves. */
export interface View {
  readonly members: ReadonlyArray<string>
  /** The members joined, to compare two views cheaply. */
  readonly key: string
}

export interface MembershipSettings {
  /** How long an entry lives without a heartbeat (the bucket TTL); shorter than the lease TTL. */
  readonly ttl: number
  readonly heartbeatEvery: number
  /** How often the bucket is listed. */
  readonly refreshEvery: number
}

export interface Membership {
  readonly self: string
  readonly view: Effect.Effect<View>
  /** The live members' entries as last listed (this node's own included). */
  readonly nodes: Effect.Effect<ReadonlyArray<NodeInfo>>
  /** Completes at the next change of the member set. */
  readonly changed: Effect.Effect<void>
  /** Stops heartbeats and deletes this node's entry, so peers stop placing partitions here at once. */
  readonly leave: Effect.Effect<void>
}

const packageVersion = (): string => {
  try {
    const json: unknown = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))
    return Option.getOrElse(Schema.decodeUnknownOption(Schema.Struct({ version: Schema.String }))(json), () => ({
      version: "unknown"
    })).version
  } catch {
    return "unknown"
  }
}

const viewOf = (ids: Iterable<string>): View => {
  const members = [...new Set(ids)].sort()
  return { members, key: members.join(",") }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Joins: writes this node's entry, lists the others, and keeps both up to date until the scope closes. */
export const join = (args: {
  readonly kv: Kv
  readonly self: string
  readonly settings: MembershipSettings
}): Effect.Effect<Membership, BusError, Scope.Scope> =>
  Effect.gen(function* () {
    const { kv, self, settings } = args
    const info = {
      id: self,
      startedAt: Date.now(),
      heartbeatAt: Date.now(),
      host: hostname(),
      pid: process.pid,
      version: packageVersion()
    }
    /**
     * When this node last saw the bucket unwritable or unreadable (0: never): a heartbeat of its own
     * that failed or took longer than `slowWrite`, or a listing that failed.
     */
    let troubleAt = 0
    /** When the heartbeat now waiting for its answer was sent (undefined: none is waiting). */
    let beatSentAt: number | undefined
    // Another node's entry lapses only after `ttl` without a landed write, its writes `heartbeatEvery`
    // apart: the bucket was then unwritable for at least ttl - heartbeatEvery, so a write of ours
    // in that window waited more than this (or failed).
    const slowWrite = Math.max(settings.ttl - 2 * settings.heartbeatEvery, settings.heartbeatEvery)
    const trouble = Effect.sync(() => {
      troubleAt = Date.now()
    })
    const put = Effect.suspend(() => kv.put(self, encoder.encode(JSON.stringify({ ...info, heartbeatAt: Date.now() }))))
    const beat = Effect.suspend(() => {
      const sentAt = Date.now()
      beatSentAt = sentAt
      return put.pipe(
        Effect.ensuring(
          Effect.sync(() => {
            beatSentAt = undefined
            if (Date.now() - sentAt > slowWrite) troubleAt = Date.now()
          })
        )
      )
    })
    yield* put

    // Membership is the bucket's entries: keys from the stream's subjects (its leader's answer),
    // values by direct gets, which a lagging replica may answer "absent" for a key just written,
    // so a member whose entry was not read keeps its previous info.
    const infos = new Map<string, NodeInfo>()
    const list = Effect.gen(function* () {
      const entries = yield* kv.entries
      for (const entry of entries) {
        const decoded = Schema.decodeUnknownOption(NodeInfoJson)(decoder.decode(entry.value))
        if (Option.isSome(decoded) && decoded.value.id === entry.key) infos.set(entry.key, decoded.value)
      }
      return entries.map((entry) => entry.key)
    })

    const view = yield* Ref.make(viewOf([self, ...(yield* list)]))
    const next = yield* Ref.make(yield* Deferred.make<void>())
    /** Consecutive listings a member was missing from; one miss is not enough to drop it. */
    const misses = new Map<string, number>()
    let left = false

    const refresh = Effect.gen(function* () {
      // A listing can hang while a NATS server dies or this process is paused; a frozen view would
      // keep a dead node's partitions placed on it.
      const listed = new Set(
        yield* list.pipe(
          Effect.timeoutFail({
            duration: settings.refreshEvery * 5,
            onTimeout: () => new BusTimeout({ operation: "kv.entries", subject: kv.bucket })
          })
        )
      )
      if (left) return
      const before = yield* Ref.get(view)
      for (const id of listed) misses.delete(id)
      // Within two TTLs of a heartbeat of ours that failed or waited past `slowWrite` (or while one
      // waits that long now), or of a listing that failed, the bucket could not be written (a
      // JetStream election): the others' entries may have lapsed for the same reason, so a missing
      // entry says nothing about its node yet. Dropping them would move their partitions for
      // nothing. Only a failed heartbeat counted before; a heartbeat that hung through the election
      // and then landed did not, so two nodes dropped each other after the election and moved 31
      // partitions back and forth (bench/natsKill.ts). (A slow listing is not such a sign: under
      // load it is this node's own lateness.)
      const now = Date.now()
      const waiting = beatSentAt !== undefined && now - beatSentAt > slowWrite
      const trustMisses = !waiting && now - troubleAt > 2 * settings.ttl
      const kept = before.members.filter((id) => {
        if (listed.has(id) || id === self) return false
        if (!trustMisses) return true
        const n = (misses.get(id) ?? 0) + 1
        if (n >= 2) misses.delete(id)
        else misses.set(id, n)
        return n < 2
      })
      // A node that failed a heartbeat is still a member in its own eyes: it would rather keep
      // working (the fence protects) than drop every partition over one slow write.
      const after = viewOf([self, ...listed, ...kept])
      for (const id of infos.keys()) if (!after.members.includes(id)) infos.delete(id)
      if (after.key === before.key) return
      yield* Ref.set(view, after)
      const joined = after.members.filter((m) => !before.members.includes(m))
      const gone = before.members.filter((m) => !after.members.includes(m))
      yield* Effect.logInfo(
        `membership changed: ${after.members.length} nodes [${after.members.join(", ")}]` +
          `${joined.length > 0 ? `; joined ${joined.join(", ")}` : ""}${gone.length > 0 ? `; gone ${gone.join(", ")}` : ""}`
      )
      const fresh = yield* Deferred.make<void>()
      yield* Deferred.succeed(yield* Ref.getAndSet(next, fresh), undefined)
    }).pipe(Effect.catchAll((e) => Effect.zipRight(trouble, Effect.logWarning("membership not refreshed", e))))

    const heartbeats = yield* beat.pipe(
      Effect.catchAll((e) => Effect.zipRight(trouble, Effect.logWarning("heartbeat failed", e))),
      Effect.repeat(Schedule.spaced(settings.heartbeatEvery)),
      Effect.forkScoped
    )
    yield* refresh.pipe(Effect.repeat(Schedule.spaced(settings.refreshEvery)), Effect.forkScoped)

    const leave = Effect.gen(function* () {
      if (left) return
      left = true
      yield* Fiber.interrupt(heartbeats)
      yield* kv.delete(self).pipe(Effect.catchAll((e) => Effect.logWarning("membership entry not deleted", e)))
      yield* Effect.logInfo("left the cluster")
    })
    yield* Effect.addFinalizer(() => leave)

    return {
      self,
      view: Ref.get(view),
      nodes: Effect.map(Ref.get(view), (v) =>
        v.members.flatMap((id) => Option.toArray(Option.fromNullable(infos.get(id))))
      ),
      changed: Effect.flatMap(Ref.get(next), Deferred.await),
      leave
    }
  })
