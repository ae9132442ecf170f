import { hostname } from "node:os"
import { Config, Context, Layer, Option } from "effect"
import type { ConfigError } from "effect/ConfigError"

export interface RuntimeConfigShape {
  /** This process's name in the cluster (leases, logs, audit). */
  readonly nodeId: string
  /** NATS servers; none means the in-process bus (single node). */
  readonly natsServers: Option.Option<ReadonlyArray<string>>
  /** Prefix of every subject, stream, consumer and bucket, so deployments and test runs never collide. */
  readonly subjectPrefix: string
  readonly streamReplicas: number
  /**
   * Actors kept in memory on this node at most; past it the least recently used idle ones are
   * passivated (they reactivate from PostgreSQL on their next message). Bounds memory.
   */
  readonly maxLiveActors: number
  /**
   * `rendezvous`: each node takes the partitions it wins over the live members (an even share,
   * handed over on join/leave); `any`: every node competes for every lease (the first to ask wins).
   */
  readonly placement: "any" | "rendezvous"
  /** Record every committed turn with its epoch and node (`processed_turns`), for failover tests. */
  readonly auditTurns: boolean
  /**
   * Bound of each actor kind's stream, in messages and bytes: once reached, new messages are
   * refused (`discard: new`) and the webhook answers 503 rather than the stream dropping work.
   */
  readonly streamMaxMsgs: number
  readonly streamMaxBytes: number
  /**
   * Share of those bounds at which publishers refuse new messages themselves (the webhook answers
   * 503), so the server's own bound is never reached: nats-server 2.9 can lose acknowledged
   * messages of a clustered stream that reaches it (`runtime/internal/admission.ts`).
   */
  readonly streamHighWater: number
  /**
   * Event-loop delay (ms) past which the node refuses new work (503 to Apple, `unavailable` to
   * socket commands) until it catches up; below the lease's margin (`runtime/NodeLoad.ts`).
   */
  readonly shedLoopDelayMs: number
}

export class RuntimeConfig extends Context.Tag("parley/runtime/RuntimeConfig")<RuntimeConfig, RuntimeConfigShape>() {}

export const defaults: RuntimeConfigShape = {
  nodeId: `${hostname().replace(/[^A-Za-z0-9_-]/g, "-")}-${process.pid}`,
  natsServers: Option.none(),
  subjectPrefix: "parley",
  streamReplicas: 1,
  maxLiveActors: 20_000,
  placement: "rendezvous",
  auditTurns: false,
  streamMaxMsgs: 1_000_000,
  streamMaxBytes: 256 * 1024 * 1024,
  streamHighWater: 0.9,
  shedLoopDelayMs: 1_000
}

const natsUrl = /^(nats|tls|ws|wss):\/\/[^\s,]+$/

const splitUrls = (s: string): ReadonlyArray<string> =>
  s
    .split(",")
    .map((u) => u.trim())
    .filter((u) => u.length > 0)

export const config: Config.Config<RuntimeConfigShape> = Config.all({
  nodeId: Config.string("NODE_ID").pipe(
    Config.validate({
      message: "must be 1-64 letters, digits, '-' or '_'",
      validation: (s) => /^[A-Za-z0-9_-]{1,64}$/.test(s)
    }),
    Config.withDefault(defaults.nodeId),
    Config.withDescription("Name of this runtime node; default <hostname>-<pid>")
  ),
  natsServers: Config.option(
    Config.string("NATS_URL").pipe(
      Config.validate({
        message: "must be nats:// URLs separated by commas",
        validation: (s) => splitUrls(s).length > 0 && splitUrls(s).every((u) => natsUrl.test(u))
      }),
      Config.map(splitUrls),
      Config.withDescription(
        "NATS server URLs, comma-separated (list every server of a cluster); unset = in-process bus"
      )
    )
  ),
  subjectPrefix: Config.string("SUBJECT_PREFIX").pipe(
    Config.validate({
      message: "must be 1-32 letters, digits, '-' or '_' (one subject token)",
      validation: (s) => /^[A-Za-z0-9_-]{1,32}$/.test(s)
    }),
    Config.withDefault(defaults.subjectPrefix),
    Config.withDescription("Prefix of subjects, streams and buckets")
  ),
  streamReplicas: Config.integer("STREAM_REPLICAS").pipe(
    Config.validate({ message: "must be 1, 3 or 5", validation: (n) => n === 1 || n === 3 || n === 5 }),
    Config.withDefault(defaults.streamReplicas),
    Config.withDescription("JetStream replicas of streams and buckets: 1 for one server, 3 for a cluster")
  ),
  maxLiveActors: Config.integer("MAX_LIVE_ACTORS").pipe(
    Config.validate({ message: "must be a positive integer", validation: (n) => n >= 1 }),
    Config.withDefault(defaults.maxLiveActors),
    Config.withDescription("Actors kept in memory per node; past it the least recently used idle ones are passivated")
  ),
  placement: Config.literal(
    "any",
    "rendezvous"
  )("PLACEMENT").pipe(
    Config.withDefault(defaults.placement),
    Config.withDescription(
      "Partition placement: rendezvous (even shares, handed over on join/leave) or any (every node competes for every lease; the first takes most)"
    )
  ),
  auditTurns: Config.boolean("RUNTIME_AUDIT").pipe(
    Config.withDefault(defaults.auditTurns),
    Config.withDescription("Record each committed turn's epoch and node in processed_turns (failover tests)")
  ),
  streamMaxMsgs: Config.integer("STREAM_MAX_MSGS").pipe(
    Config.validate({ message: "must be a positive integer", validation: (n) => n >= 1 }),
    Config.withDefault(defaults.streamMaxMsgs),
    Config.withDescription(
      "Messages each actor kind's stream holds at most; past it new messages are refused (the webhook answers 503)"
    )
  ),
  streamMaxBytes: Config.integer("STREAM_MAX_BYTES").pipe(
    Config.validate({ message: "must be a positive integer", validation: (n) => n >= 1 }),
    Config.withDefault(defaults.streamMaxBytes),
    Config.withDescription(
      "Bytes each actor kind's stream holds at most; past it new messages are refused (the webhook answers 503)"
    )
  ),
  streamHighWater: Config.number("STREAM_HIGH_WATER").pipe(
    Config.validate({ message: "must be above 0 and at most 1", validation: (x) => x > 0 && x <= 1 }),
    Config.withDefault(defaults.streamHighWater),
    Config.withDescription(
      "Share of STREAM_MAX_MSGS/STREAM_MAX_BYTES at which new messages are refused before the stream is full (default 0.9; the gap must cover what all nodes publish in 200 ms)"
    )
  ),
  shedLoopDelayMs: Config.integer("SHED_LOOP_DELAY_MS").pipe(
    Config.validate({ message: "must be an integer from 50 to 1800", validation: (n) => n >= 50 && n <= 1_800 }),
    Config.withDefault(defaults.shedLoopDelayMs),
    Config.withDescription(
      "Event-loop delay in ms past which the node answers Apple 503 and refuses socket commands until it catches up (default 1000; under the membership heartbeat's margin of about 1870)"
    )
  )
})

export const layer = (overrides: Partial<RuntimeConfigShape> = {}): Layer.Layer<RuntimeConfig> =>
  Layer.succeed(RuntimeConfig, { ...defaults, ...overrides })

export const layerFromEnv: Layer.Layer<RuntimeConfig, ConfigError> = Layer.effect(RuntimeConfig, config)
