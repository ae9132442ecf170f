import { Cause, Config, ConfigError, Effect, Exit, Fiber, Layer, Logger, Option } from "effect"
import * as AttachmentConfig from "./actors/attachments/AttachmentConfig.ts"
import * as IdentityProvider from "./actors/conversation/IdentityProvider.ts"
import * as AppleConfig from "./apple/AppleConfig.ts"
import * as DbConfig from "./db/DbConfig.ts"
import * as PgliteDb from "./db/PgliteDb.ts"
import * as PostgresDb from "./db/PostgresDb.ts"
import { seedDemoData } from "./db/seed/SeedSetting.ts"
import * as AuthConfig from "./http/auth/AuthConfig.ts"
import * as HttpConfig from "./http/HttpConfig.ts"
import * as Demo from "./node/Demo.ts"
import * as LogConfig from "./node/LogConfig.ts"
import * as Node from "./node/Node.ts"
import * as ConfigProblem from "./runtime/ConfigProblem.ts"
import * as MemoryBus from "./runtime/MemoryBus.ts"
import * as MemoryObjectStore from "./runtime/MemoryObjectStore.ts"
import * as NatsBus from "./runtime/NatsBus.ts"
import * as NatsObjectStore from "./runtime/NatsObjectStore.ts"
import * as RuntimeConfig from "./runtime/RuntimeConfig.ts"

/**
 * `npm start`: reads the settings (a bad one stops start-up with one line naming it), picks the
 * bus (NATS or in-process) and database (PostgreSQL or embedded PGlite), and runs the node until
 * SIGTERM/SIGINT, then shuts down within 10 s.
 */
const node = Effect.gen(function* () {
  const config = yield* Effect.all({
    runtime: RuntimeConfig.config,
    db: DbConfig.config,
    http: HttpConfig.config,
    auth: AuthConfig.config,
    attachments: AttachmentConfig.config
  })
  const bus = Option.match(config.runtime.natsServers, {
    onNone: () => MemoryBus.layer,
    onSome: (servers) => NatsBus.layer({ servers, name: `parley-${config.runtime.nodeId}` })
  })
  // Files sit beside the streams: replicated like them on NATS, in memory without it.
  const objects = Option.match(config.runtime.natsServers, {
    onNone: () => MemoryObjectStore.layer,
    onSome: (servers) =>
      NatsObjectStore.layer({
        servers,
        name: `parley-${config.runtime.nodeId}-files`,
        bucket: `${config.runtime.subjectPrefix}_files`,
        replicas: config.runtime.streamReplicas
      })
  })
  const db = Option.match(config.db.databaseUrl, {
    onNone: () => PgliteDb.layer(config.db.pgliteDir),
    onSome: (url) => PostgresDb.layer(url, config.db.poolSize)
  })
  const apple = yield* Demo.appleConfig
  // A generated secret would make every node sign its own tokens, and die with the process.
  if (!apple.demo && config.auth.generated)
    return yield* Effect.fail(
      ConfigError.MissingData(["SESSION_SECRET"], "required outside demo mode (the same 32+ characters on every node)")
    )
  const seed = yield* seedDemoData(apple.demo)
  // A demo node has published passwords and drives the Apple simulator for whoever reaches it
  // (`/device/api`): it listens on this machine only unless HOST says otherwise.
  const hostSet = Option.isSome(yield* Config.option(Config.string("HOST")))
  const http = apple.demo && !hostSet ? { ...config.http, host: "127.0.0.1" } : config.http
  const infra = Layer.mergeAll(
    bus,
    objects,
    db,
    RuntimeConfig.layer(config.runtime),
    AttachmentConfig.layer(config.attachments),
    DbConfig.layer(config.db),
    HttpConfig.layer(http),
    AuthConfig.layer(config.auth),
    AppleConfig.layer(apple.config),
    IdentityProvider.layer(apple.identityProvider)
  )
  const runtime = {
    streamMaxMsgs: config.runtime.streamMaxMsgs,
    streamMaxBytes: config.runtime.streamMaxBytes,
    streamHighWater: config.runtime.streamHighWater
  }
  return yield* Layer.launch(Node.layer({ ...apple.nodeOptions, runtime, seed }).pipe(Layer.provide(infra)))
})

/** The log settings first, so every later line (a bad setting's included) is logged as asked. */
const program = Effect.gen(function* () {
  const log = yield* LogConfig.config
  return yield* node.pipe(Effect.provide(LogConfig.logger(log.format)), Logger.withMinimumLogLevel(log.level))
})

const fiber = Effect.runFork(program.pipe(Effect.scoped))

const shutdown = (signal: string) => {
  console.error(`parley: ${signal} received, shutting down`)
  setTimeout(() => {
    console.error("parley: shutdown took longer than 10 s, exiting")
    process.exit(1)
  }, 10_000).unref()
  Effect.runFork(Fiber.interrupt(fiber))
}
process.once("SIGTERM", () => shutdown("SIGTERM"))
process.once("SIGINT", () => shutdown("SIGINT"))

fiber.addObserver((exit) => {
  if (Exit.isSuccess(exit) || Exit.isInterrupted(exit)) {
    console.error("parley: stopped")
    process.exit(0)
  }
  const failure = Cause.failureOption(exit.cause)
  if (Option.isSome(failure) && ConfigError.isConfigError(failure.value)) {
    console.error(`parley: invalid configuration: ${ConfigProblem.describe(failure.value)}`)
  } else {
    console.error(`parley: failed to start: ${Cause.pretty(exit.cause)}`)
  }
  process.exit(1)
})
