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
}

export const defaults: SocketSettings = {
  offlineAfterMs: 30_000,
  maxBufferedBytes: 1024 * 1024,
  drainTimeoutMs: 5_000,
  helloTimeoutMs: 10_000,
  resumeLimit: 5_000
}

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
  helloTimeoutMs: Config.succeed(defaults.helloTimeoutMs),
  resumeLimit: Config.succeed(defaults.resumeLimit)
})

/** From the environment (with defaults), then `overrides`; a bad value stops start-up naming the variable. */
export const load = (overrides: Partial<SocketSettings> = {}): SocketSettings => ({
  ...Effect.runSync(Effect.orDie(config)),
  ...overrides
})
