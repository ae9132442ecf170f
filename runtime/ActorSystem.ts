import {
  Context,
  Data,
  type Duration,
  Effect,
  Layer,
  Option,
  type ParseResult,
  Schedule,
  Schema,
  type Scope
} from "effect"
import type { Db } from "../db/Db.ts"
import { defaultOptions, type Protocol } from "./Actor.ts"
import { names as makeNames, partitionOf } from "./Address.ts"
import { Bus, type BusError, type BusMessage, type BusTimeout, type NoResponders, type PublishAck } from "./Bus.ts"
import type { ErasedKind } from "./ErasedKind.ts"
import { withHighWater } from "./internal/admission.ts"
import { millis } from "./internal/busDurations.ts"
import * as LeaseRenewer from "./internal/leaseRenewer.ts"
import { LiveActors } from "./internal/liveActors.ts"
import * as Sweeps from "./internal/sweeps.ts"
import * as Membership from "./Membership.ts"
import {
  handovers,
  holdPartition,
  type LeaseSettings,
  logRebalances,
  type Owned,
  type PlacementSettings,
  readLeases
} from "./Ownership.ts"
import type { PartitionSettings } from "./Partition.ts"
import { RuntimeConfig, defaults as runtimeDefaults } from "./RuntimeConfig.ts"
import { type Addressable, encodeMessage } from "./Turn.ts"

/** An ask's answer could not be decoded, or the live owner died answering. */
export class AskFailed extends Data.TaggedError("AskFailed")<{ readonly kind: string; readonly reason: string }> {}

export interface TellOptions {
  /** De-duplication id: the same id inside the stream's window is stored once. */
  readonly msgId?: string
  /** `in` for messages from outside (customers), `cmd` for everything else. */
  readonly lane?: "in" | "cmd"
  readonly headers?: Readonly<Record<string, string>>
  readonly timeout?: Duration.DurationInput
}

export interface ActorSystemShape {
  readonly node: string
  /** Durable send to an actor from outside a turn (inside a turn use `Turn.tell`). Resolves once stored. */
  readonly tell: <Msg, MsgEncoded>(
    target: Addressable<Msg, MsgEncoded>,
    id: string,
    message: Msg,
    options?: TellOptions
  ) => Effect.Effect<PublishAck, ParseResult.ParseError | BusTimeout | BusError>
  /** Request/reply to the actor's live owner (activating it if needed). */
  readonly ask: <Msg, MsgEncoded, Ask extends Schema.TaggedRequest.All, AskEncoded, Req extends Ask>(
    target: Protocol<Msg, MsgEncoded, Ask, AskEncoded>,
    id: string,
    request: Req,
    options?: { readonly timeout?: Duration.DurationInput }
  ) => Effect.Effect<
    Schema.WithResult.Success<Req>,
    Schema.WithResult.Failure<Req> | AskFailed | NoResponders | BusTimeout | BusError,
    Schema.WithResult.Context<Req>
  >
  /** Live events emitted by turns (`Turn.emit`), until the scope closes. */
  readonly events: (
    topic: ReadonlyArray<string>,
    handler: (payload: unknown) => Effect.Effect<void>
  ) => Effect.Effect<void, BusError, Scope.Scope>
  /** Partitions this node owns now, with their epochs. */
  readonly owned: Effect.Effect<ReadonlyArray<Owned>>
  /** The cluster as this node sees it: live members and, from the lease bucket, who owns what. */
  readonly cluster: Effect.Effect<ClusterView>
  /** The live members' entries as this node last listed them (its own included): no bus round trip. */
  readonly members: Effect.Effect<ReadonlyArray<Membership.NodeInfo>>
}

export interface ClusterNode {
  readonly id: string
  /** False for a node still holding leases whose heartbeat has lapsed (crashed, paused). */
  readonly live: boolean
  /** Its heartbeat entry; none once it lapsed. */
  readonly info: Option.Option<Membership.NodeInfo>
  readonly partitions: ReadonlyArray<Owned>
}

export interface ClusterView {
  readonly self: string
  /** False when the lease bucket could not be read: only this node's own partitions are listed. */
  readonly complete: boolean
  readonly nodes: ReadonlyArray<ClusterNode>
}

export class ActorSystem extends Context.Tag("parley/runtime/ActorSystem")<ActorSystem, ActorSystemShape>() {}

export interface SystemSettings extends PartitionSettings {
  readonly lease: LeaseSettings
  readonly leaseTtl: Duration.DurationInput
  /** Membership heartbeats and placement; derived from the lease TTL when absent. */
  readonly membership?: Membership.MembershipSettings
  readonly placement?: PlacementSettings
  readonly streamMaxBytes: number
  readonly streamMaxMsgs: number
  /** Share of the bounds at which this node refuses durable publishes to a kind's stream. */
  readonly streamHighWater: number
}

export const defaultSettings: SystemSettings = {
  // Also how long a message waits when a killed NATS server took it with it: its consumer's new
  // leader counts it as delivered and only redelivers it after this. At 30 s one message of a
  // failover scenario waited 30.2 s after a NATS leader kill (the rest at most 14.5 s). A turn
  // that outlives it (a PostgreSQL stall, Apple's retries) is redelivered behind itself and
  // skipped by its stored sequence (docs/cluster.md, "A NATS server's loss").
  ackWait: "15 seconds",
  batch: 64,
  maxAckPending: 512,
  timerInterval: "1 second",
  sweepInterval: "2 seconds",
  askTimeout: "5 seconds",
  audit: false,
  // A dead node's partitions wait for its leases to lapse and for the members to drop it (the
  // membership TTL is two thirds of this): 4 s, renewed every 1 s, puts both within 4 s of a kill,
  // which keeps the longest wait for a reply after `kill -9` under 10 s (6 s left 10-11.6 s under
  // load). A TTL this short is safe against a busy node because the renewals run in a worker thread
  // of their own (`leaseWorker.ts`): turn work on the main thread does not delay them. Only the
  // bucket's answer ends a lease, so a JetStream election longer than the TTL costs no partition
  // (the holder re-creates the lapsed key), and renewals unconfirmed for 3 s are logged as suspect
  // (docs/cluster.md, "Leases and epochs").
  leaseTtl: "4 seconds",
  lease: { renewEvery: 1_000, suspectAfter: 3_000, retryAcquireEvery: 2_000, hungAfter: 15_000 },
  streamMaxBytes: runtimeDefaults.streamMaxBytes,
  streamMaxMsgs: runtimeDefaults.streamMaxMsgs,
  streamHighWater: runtimeDefaults.streamHighWater
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Right after a NATS cluster starts, JetStream may still be electing its leaders: set-up retries a while. */
const whileStarting = <A, R>(effect: Effect.Effect<A, BusError, R>): Effect.Effect<A, BusError, R> =>
  effect.pipe(
    Effect.tapError((e) => Effect.logWarning(`runtime set-up failed: ${e.message}`)),
    Effect.retry({
      while: (e) => /not enabled|temporarily unavailable|no responders|no suitable peers|timeout/i.test(e.message),
      schedule: Schedule.spaced("500 millis").pipe(Schedule.upTo("20 seconds"))
    })
  )

/**
 * Starts the runtime for `kinds` on this node: streams (idempotent), then every partition whose
 * lease it can take. Stops on scope close: pulling ends, in-flight turns finish, leases are released.
 */
export const layer = <R>(
  kinds: ReadonlyArray<ErasedKind<R>>,
  overrides: Partial<SystemSettings> = {}
): Layer.Layer<ActorSystem, BusError, R | Db | Bus | RuntimeConfig> =>
  Layer.scoped(
    ActorSystem,
    Effect.gen(function* () {
      const settings = { ...defaultSettings, ...overrides }
      const config = yield* RuntimeConfig
      const names = makeNames(config.subjectPrefix)
      // Everything this runtime publishes to an actor stream (tells, outbox relays, timers) stops
      // at the stream's high-water mark, short of the server's bound.
      const bus = withHighWater(
        yield* Bus,
        kinds.map((kind) => ({
          stream: names.stream(kind.name),
          subjectPrefix: names.streamSubjects(kind.name).replace(/(\.\*)+$/, "."),
          messages: Math.max(1, Math.floor(settings.streamMaxMsgs * settings.streamHighWater)),
          bytes: Math.max(1, Math.floor(settings.streamMaxBytes * settings.streamHighWater))
        }))
      )
      const ttl = millis(settings.leaseTtl)
      // Membership lapses before a dead node's leases do, so its partitions have a winner by the time they free up.
      const membershipSettings = settings.membership ?? {
        ttl: Math.round((ttl * 2) / 3),
        heartbeatEvery: Math.round(ttl / 5),
        refreshEvery: Math.min(1_000, Math.round(ttl / 10))
      }
      const placement = settings.placement ?? {
        mode: config.placement,
        orphanAfter: 2 * ttl,
        orphanCheckEvery: Math.round(ttl / 3),
        // A winner waiting for a hand-over asks this often: the old owner's release is taken within it.
        claimEvery: Math.min(200, settings.lease.retryAcquireEvery),
        drainFor: 1_000,
        // A join moves about a quarter of every node's partitions, 16 each with 3 nodes: four waves.
        // A node that started first and won everything hands over two thirds of 152 at start-up.
        handOverSlots: 4,
        takerWait: 2_000
      }
      const { leases, nodeKv } = yield* Effect.gen(function* () {
        for (const kind of kinds) {
          yield* bus.ensureStream({
            name: names.stream(kind.name),
            subjects: [names.streamSubjects(kind.name)],
            retention: "workqueue",
            replicas: config.streamReplicas,
            maxBytes: settings.streamMaxBytes,
            maxMsgs: settings.streamMaxMsgs,
            duplicateWindow: "2 minutes"
          })
        }
        yield* bus.ensureStream({
          name: names.dlqStream(),
          subjects: [names.dlqSubjects()],
          retention: "limits",
          replicas: config.streamReplicas,
          maxBytes: Math.max(1024 * 1024, Math.floor(settings.streamMaxBytes / 4)),
          maxMsgs: 100_000,
          duplicateWindow: "2 minutes",
          maxAge: "14 days"
        })
        const leases = yield* bus.kv({
          bucket: names.leaseBucket(),
          replicas: config.streamReplicas,
          ttl: settings.leaseTtl
        })
        const nodeKv = yield* bus.kv({
          bucket: names.nodeBucket(),
          replicas: config.streamReplicas,
          ttl: membershipSettings.ttl
        })
        return { leases, nodeKv }
      }).pipe(whileStarting)
      // Renewals from a thread of their own where the bus has one (NATS): a busy event loop does not
      // delay them. In-process, the node's one timer renews them.
      const renewer =
        bus.leaseRenewer === undefined
          ? yield* LeaseRenewer.make(leases, settings.lease)
          : yield* bus.leaseRenewer(leases.bucket, settings.lease).pipe(whileStarting)
      const notices = yield* handovers(bus, `${names.leaseBucket()}.released`)
      const taken = yield* handovers(bus, `${names.leaseBucket()}.taken`)
      const handingOver = yield* Effect.makeSemaphore(placement.handOverSlots)
      const owned = new Map<string, Owned>()
      const live = new LiveActors(config.maxLiveActors)
      const swept = yield* Effect.forEach(kinds, (kind) =>
        Sweeps.make({
          kind: kind.name,
          tableKind: names.tableKind(kind.name),
          names,
          bus,
          timerInterval: settings.timerInterval,
          sweepInterval: settings.sweepInterval
        }).pipe(Effect.map((sweeps) => ({ kind, sweeps })))
      )
      // Joined last, once the lease thread, the hand-over notices and the sweeps exist: the moment
      // peers see this node they hand it the partitions it wins, and it must take them at once. Joined
      // before the lease thread had started, a new node left its partitions unowned for seconds while
      // it finished starting (docs/cluster.md, "Joining").
      const membership = yield* Membership.join({ kv: nodeKv, self: config.nodeId, settings: membershipSettings }).pipe(
        whileStarting
      )
      for (const { kind, sweeps } of swept) {
        const options = { ...defaultOptions, ...kind.options }
        for (let partition = 0; partition < kind.partitions; partition++) {
          yield* holdPartition({
            kind,
            partition,
            node: config.nodeId,
            names,
            leases,
            renewer,
            options,
            settings: { ...settings, audit: settings.audit || config.auditTurns },
            lease: settings.lease,
            placement,
            membership,
            owned,
            live,
            sweeps,
            handovers: notices,
            taken,
            handingOver
          }).pipe(Effect.provideService(Bus, bus), Effect.forkScoped)
        }
      }
      if (placement.mode === "rendezvous") yield* logRebalances({ kinds, membership, owned }).pipe(Effect.forkScoped)
      // Runs before the partitions are released (finalizers run last-added first): peers stop
      // placing work here and are ready to take each partition the moment its lease is deleted.
      yield* Effect.addFinalizer(() => membership.leave)
      yield* Effect.logInfo(`actor runtime started: ${kinds.map((k) => `${k.name}×${k.partitions}`).join(", ")}`)

      const tell: ActorSystemShape["tell"] = (target, id, message, options = {}) =>
        Effect.flatMap(encodeMessage(target, message), (json) =>
          bus.publishDurable(
            names.actorSubject(target.name, partitionOf(id, target.partitions), id, options.lane ?? "cmd"),
            encoder.encode(json),
            {
              ...(options.msgId !== undefined ? { msgId: options.msgId } : {}),
              ...(options.headers !== undefined ? { headers: options.headers } : {}),
              ...(options.timeout !== undefined ? { timeout: options.timeout } : {})
            }
          )
        )

      const ask: ActorSystemShape["ask"] = (target, id, request, options = {}) =>
        Effect.gen(function* () {
          const askSchema = target.ask
          if (askSchema === undefined) return yield* new AskFailed({ kind: target.name, reason: "kind has no asks" })
          const payload = yield* Schema.encode(Schema.parseJson(askSchema))(request).pipe(
            Effect.mapError((e) => new AskFailed({ kind: target.name, reason: e.message }))
          )
          const timeout = options.timeout ?? settings.askTimeout
          // No responders means the partition has no live owner right now (starting or moving): try again.
          const reply: BusMessage = yield* bus
            .request(names.askSubject(target.name, partitionOf(id, target.partitions), id), encoder.encode(payload), {
              timeout
            })
            .pipe(
              Effect.retry({
                while: (e) => e._tag === "NoResponders",
                schedule: Schedule.spaced("100 millis").pipe(Schedule.upTo(timeout))
              })
            )
          const exit = yield* Effect.try(() => JSON.parse(decoder.decode(reply.data)) as unknown).pipe(
            Effect.flatMap((json) => Schema.deserializeExit(Schema.asWithResult(request), json)),
            Effect.mapError((e) => new AskFailed({ kind: target.name, reason: e.message }))
          )
          return yield* exit.pipe(Effect.catchAllDefect((d) => new AskFailed({ kind: target.name, reason: String(d) })))
        })

      const events: ActorSystemShape["events"] = (topic, handler) =>
        bus.subscribe(names.event(...topic), (message) =>
          Effect.try(() => JSON.parse(decoder.decode(message.data)) as unknown).pipe(
            Effect.flatMap(handler),
            Effect.catchAll((e) => Effect.logWarning("undecodable event", e))
          )
        )

      const cluster: ActorSystemShape["cluster"] = Effect.gen(function* () {
        const read = yield* Effect.either(readLeases(leases).pipe(Effect.timeout("5 seconds")))
        const holdings =
          read._tag === "Right" ? read.right : [...owned.values()].map((o) => ({ ...o, node: config.nodeId }))
        const infos = yield* membership.nodes
        const view = yield* membership.view
        const ids = [...new Set([...view.members, ...holdings.map((h) => h.node)])].sort()
        return {
          self: config.nodeId,
          complete: read._tag === "Right",
          nodes: ids.map((id) => ({
            id,
            live: view.members.includes(id),
            info: Option.fromNullable(infos.find((n) => n.id === id)),
            partitions: holdings
              .filter((h) => h.node === id)
              .map(({ kind, partition, epoch }) => ({ kind, partition, epoch }))
              .sort((a, b) => a.kind.localeCompare(b.kind) || a.partition - b.partition)
          }))
        }
      })

      return {
        node: config.nodeId,
        cluster,
        members: membership.nodes,
        tell,
        ask,
        events,
        owned: Effect.sync(() => [...owned.values()])
      }
    })
  )
