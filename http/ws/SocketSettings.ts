import { Config, Effect } from "effect"

export interface SocketSettings {
  /** After an agent's last socket closes, how long before they are set Offline (their offers go to others). */
  readonly offlineAfterMs: number
  /** Bytes queued for a socket beyond which it is dropped (close 1013); the client reconnects and resumes. */
  readonly maxBufferedBytes: number
  /** How long a full buffer may take to drain before the client counts as not reading. */
  readonly drainTimeoutMs: number
  /** How long a socket without an `Authorization` header has to send its `hello` with a token. */
  readonly helloTimeoutMs: number
  /** Events replayed at most on resume; a client further behind reloads its view. */
  readonly resumeLimit: number
  /** Frames a socket may send per second on average, and in one burst; past it the socket is closed (1008). */
  readonly framesPerSecond: number
  readonly frameBurst: number
  /** Frames received and not yet handled (commands run one at a time); past it the socket is closed (1008). */
  readonly maxQueuedFrames: number
  /** Sockets per client address that have not yet authenticated; more are refused (429). */
  readonly maxUnauthenticatedPerAddress: number
  /**
   * Browser origins allowed besides the node's own (`Origin` equal to the request's `Host`);
   * requests without `Origin` (programs, not browsers) are allowed.
   */
  readonly allowedOrigins: ReadonlyArray<string>
  /** As `HttpConfig.trustedProxyHops`: how the client address is read. */
  readonly trustedProxyHops: number
}

export const defaults: SocketSettings = {
  offlineAfterMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  drainTimeoutMs: 5_000,
  helloTimeoutMs: 10_000,
  resumeLimit: 5_000,
  framesPerSecond: 20,
  frameBurst: 60,
  maxQueuedFrames: 100,
  maxUnauthenticatedPerAddress: 10,
  allowedOrigins: [],
  trustedProxyHops: 0
}

const between = (name: string, min: number, max: number, fallback: number, description: string) =>
  Config.integer(name).pipe(
    Config.validate({ message: `must be between ${min} and ${max}`, validation: (n) => n >= min && n <= max }),
    Config.withDefault(fallback),
    Config.withDescription(description)
  )

export const config: Config.Config<SocketSettings> = Config.all({
  offlineAfterMs: Config.integer("AGENT_OFFLINE_AFTER_MS").pipe(
    Config.validate({ message: "must be between 0 and 3600000", validation: (n) => n >= 0 && n <= 3_600_000 }),
    Config.withDefault(defaults.offlineAfterMs),
    Config.withDescription("Grace after an agent's last workspace socket closes before they are set Offline")
  ),
  maxBufferedBytes: Config.integer("WS_MAX_BUFFERED_BYTES").pipe(
    Config.validate({ message: "must be at least 16384", validation: (n) => n >= 16_384 }),
    Config.withDefault(defaults.maxBufferedBytes),
    Config.withDescription("Bytes queued for one agent socket before it is dropped with close code 1013")
  ),
  drainTimeoutMs: Config.integer("WS_DRAIN_TIMEOUT_MS").pipe(
    Config.validate({ message: "must be between 100 and 60000", validation: (n) => n >= 100 && n <= 60_000 }),
    Config.withDefault(defaults.drainTimeoutMs),
    Config.withDescription("How long a socket's full send buffer may take to drain before it is dropped")
  ),
  helloTimeoutMs: between(
    "WS_HELLO_TIMEOUT_MS",
    1_000,
    60_000,
    defaults.helloTimeoutMs,
    "How long a socket may stay unauthenticated before it is closed (4401)"
  ),
  resumeLimit: Config.succeed(defaults.resumeLimit),
  framesPerSecond: between(
    "WS_FRAMES_PER_SECOND",
    1,
    10_000,
    defaults.framesPerSecond,
    "Average frames per second one agent socket may send; past it (and the burst) it is closed with 1008"
  ),
  frameBurst: between("WS_FRAME_BURST", 1, 100_000, defaults.frameBurst, "Frames one agent socket may send at once"),
  maxQueuedFrames: between(
    "WS_MAX_QUEUED_FRAMES",
    1,
    100_000,
    defaults.maxQueuedFrames,
    "Frames waiting to be handled per socket; past it the socket is closed with 1008"
  ),
  maxUnauthenticatedPerAddress: between(
    "WS_MAX_UNAUTHENTICATED_PER_ADDRESS",
    1,
    100_000,
    defaults.maxUnauthenticatedPerAddress,
    "Sockets one client address may hold open before authenticating"
  ),
  allowedOrigins: Config.succeed(defaults.allowedOrigins),
  trustedProxyHops: Config.succeed(defaults.trustedProxyHops)
})

/** From the environment (with defaults), then `overrides`; a bad value stops start-up naming the variable. */
export const load = (overrides: Partial<SocketSettings> = {}): SocketSettings => ({
  ...Effect.runSync(Effect.orDie(config)),
  ...overrides
})
