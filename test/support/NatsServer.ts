import { randomBytes } from "node:crypto"
import { accessSync, constants } from "node:fs"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { delimiter, join } from "node:path"
import { Data, Duration, Effect, ExecutionStrategy, Exit, Option, Schedule, Schema, Scope } from "effect"
import { type ChildHandle, describeExit, spawn } from "./Process.ts"
import { freePorts, type NoFreePort } from "./ports.ts"

/** `nats-server` is not installed; tests that need extra servers fail rather than skip. */
export class NatsServerMissing extends Data.TaggedError("NatsServerMissing")<{ readonly message: string }> {}

/** An extra nats-server did not start, did not become healthy, or did not stop. */
export class NatsServerError extends Data.TaggedError("NatsServerError")<{
  readonly server: string
  readonly message: string
  /** The last lines it logged, for the failure message. */
  readonly output: string
  readonly addressInUse: boolean
}> {}

export type NatsHarnessError = NatsServerMissing | NatsServerError | NoFreePort

/** One extra nats-server started by a test; its ports and store dir survive `kill` + `restart`. */
export interface NatsServer {
  /** The `server_name`, unique within its cluster. */
  readonly name: string
  readonly clientUrl: string
  /** `http://127.0.0.1:<port>`: `/healthz`, `/varz`, `/jsz`. */
  readonly monitorUrl: string
  /** `nats://127.0.0.1:<port>` of the route listener, clusters only. */
  readonly routeUrl: string | undefined
  readonly storeDir: string
  /** The current process id; `undefined` between `kill` and `restart`. Changes on restart. */
  readonly pid: number | undefined
  /** The last lines the current (or last) process logged. */
  readonly output: () => string
  /**
   * Sends `signal` (default SIGKILL) and waits for the process to end, with SIGKILL after a grace
   * period when another signal did not stop it.
   */
  readonly kill: (signal?: NodeJS.Signals) => Effect.Effect<void>
  /**
   * Stops it if running (SIGTERM), starts it again on the same ports and store dir, and waits
   * until it is healthy or, for a cluster member, follows a meta leader again (its replicas may
   * still be catching up).
   */
  readonly restart: () => Effect.Effect<void, NatsServerError>
  /** Waits until `/healthz` answers 200 (for a cluster member: it sees a meta leader and is current). */
  readonly waitHealthy: (timeout?: Duration.DurationInput) => Effect.Effect<void, NatsServerError>
}

export interface NatsCluster {
  /** The `cluster.name` shared by all members. */
  readonly name: string
  readonly servers: ReadonlyArray<NatsServer>
  /** Every member's client URL, for `connect({ servers })`. */
  readonly clientUrls: ReadonlyArray<string>
}

export interface NatsServerOptions {
  /** Bound on each wait for `/healthz` (start, restart). */
  readonly startTimeout?: Duration.DurationInput
  /** How long a stop waits after SIGTERM (or another signal) before SIGKILL. */
  readonly grace?: Duration.DurationInput
  /** Directories searched for `nats-server`; default: PATH, then /usr/sbin. */
  readonly searchPath?: ReadonlyArray<string>
}

const missingMessage = "nats-server not on PATH: apt-get install nats-server, or set NATS_URL"

/**
 * Debian installs nats-server in /usr/sbin, which is on root's PATH but not on other users', so
 * that directory is tried after PATH.
 */
const findNatsServer = (searchPath: ReadonlyArray<string> | undefined): Effect.Effect<string, NatsServerMissing> =>
  Effect.suspend(() => {
    const dirs = searchPath ?? [...(process.env.PATH ?? "").split(delimiter).filter((d) => d !== ""), "/usr/sbin"]
    for (const dir of dirs) {
      const candidate = join(dir, "nats-server")
      try {
        accessSync(candidate, constants.X_OK)
        return Effect.succeed(candidate)
      } catch {
        // not in this directory
      }
    }
    return Effect.fail(new NatsServerMissing({ message: missingMessage }))
  })

/** A temporary directory removed (recursively) when the scope closes. */
const tempDir = (prefix: string): Effect.Effect<string, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.promise(() => mkdtemp(join(tmpdir(), prefix))),
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  )

interface Layout {
  readonly name: string
  readonly clientPort: number
  readonly monitorPort: number
  readonly routePort: number | undefined
  readonly storeDir: string
  readonly configFile: string
}

const configText = (layout: Layout, cluster: { name: string; routes: ReadonlyArray<string> } | undefined): string => {
  const lines = [
    `server_name: ${JSON.stringify(layout.name)}`,
    `listen: "127.0.0.1:${layout.clientPort}"`,
    `http: "127.0.0.1:${layout.monitorPort}"`,
    `jetstream { store_dir: ${JSON.stringify(layout.storeDir)}, max_memory_store: 256MB, max_file_store: 8GB }`
  ]
  if (cluster !== undefined && layout.routePort !== undefined) {
    lines.push(
      `cluster { name: ${JSON.stringify(cluster.name)}, listen: "127.0.0.1:${layout.routePort}",`,
      `  routes: [${cluster.routes.map((r) => JSON.stringify(r)).join(", ")}] }`
    )
  }
  return `${lines.join("\n")}\n`
}

const isAddressInUse = (output: string): boolean => /address already in use/i.test(output)

const fetchOk = (url: string) =>
  Effect.tryPromise({
    try: async (signal) => {
      const res = await fetch(url, { signal })
      const body = await res.text()
      if (!res.ok) throw new Error(`${res.status} ${body.trim()}`)
      return body
    },
    catch: (cause) => (cause instanceof Error ? cause.message : String(cause))
  }).pipe(Effect.timeoutFail({ duration: "1 second", onTimeout: () => `${url} did not answer within 1 s` }))

const healthzOnce = (monitorUrl: string) => Effect.asVoid(fetchOk(`${monitorUrl}/healthz`))

/** The part of `/jsz` that names the meta leader a member follows. */
const MetaLeader = Schema.parseJson(
  Schema.Struct({ meta_cluster: Schema.optional(Schema.Struct({ leader: Schema.optional(Schema.String) })) })
)

/**
 * A restarted member is back once its JetStream is on and it follows a meta leader; the full
 * `/healthz` also wants every replica it holds current, and nats-server 2.9 can keep a consumer
 * the cluster deleted while it was down "not current" for minutes (seen in CI). Catching up is the
 * cluster's business; the scenarios assert what the product made of it.
 */
const rejoinedOnce = (monitorUrl: string) =>
  healthzOnce(monitorUrl).pipe(
    Effect.orElse(() =>
      fetchOk(`${monitorUrl}/healthz?js-enabled-only=true`).pipe(
        Effect.zipRight(fetchOk(`${monitorUrl}/jsz`)),
        Effect.flatMap((body) =>
          Schema.decodeUnknown(MetaLeader)(body).pipe(Effect.mapError(() => "/jsz: unreadable answer"))
        ),
        Effect.filterOrFail(
          (jsz) => (jsz.meta_cluster?.leader ?? "") !== "",
          () => "no meta leader yet"
        )
      )
    ),
    Effect.asVoid
  )

/**
 * Polls the full `/healthz`, not `?js-enabled-only=true`: the latter answers 200 as soon as
 * JetStream is on, before a cluster has a meta leader, and the first stream create would then fail.
 */
const waitHealthy = (
  layout: Layout,
  child: ChildHandle,
  timeout: Duration.DurationInput,
  check: (monitorUrl: string) => Effect.Effect<void, string> = healthzOnce
): Effect.Effect<void, NatsServerError> => {
  const monitorUrl = `http://127.0.0.1:${layout.monitorPort}`
  const failure = (message: string) => {
    const output = child.output()
    const tail = output.split("\n").slice(-30).join("\n")
    return new NatsServerError({
      server: layout.name,
      message: `nats-server ${layout.name} (client port ${layout.clientPort}): ${message}\n--- last output ---\n${tail}`,
      output,
      addressInUse: isAddressInUse(output)
    })
  }
  let last = "no answer yet"
  const poll = check(monitorUrl).pipe(
    Effect.tapError((e) => Effect.sync(() => (last = e))),
    Effect.retry(Schedule.spaced("100 millis")),
    Effect.orDie
  )
  const died = child.exited.pipe(
    Effect.flatMap((status) => Effect.fail(failure(`exited during start-up (${describeExit(status)})`)))
  )
  return Effect.raceFirst(poll, died).pipe(
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () => failure(`not healthy after ${Duration.format(Duration.decode(timeout))}: ${last}`)
    })
  )
}

/**
 * A server whose process can be killed and started again inside the owning scope. Each process
 * lives in its own child scope, so closing the owner stops whichever process is current.
 */
const managed = (
  binary: string,
  layout: Layout,
  options: NatsServerOptions
): Effect.Effect<
  { readonly server: NatsServer; readonly started: Effect.Effect<void, NatsServerError> },
  never,
  Scope.Scope
> =>
  Effect.gen(function* () {
    const owner = yield* Effect.scope
    const startTimeout = options.startTimeout ?? "30 seconds"
    const grace = options.grace ?? "5 seconds"
    let current: { readonly scope: Scope.CloseableScope; readonly child: ChildHandle } | undefined
    let lastOutput = ""

    const start = Effect.gen(function* () {
      const scope = yield* Scope.fork(owner, ExecutionStrategy.sequential)
      const child = yield* spawn({
        name: layout.name,
        command: binary,
        args: ["-c", layout.configFile],
        grace
      }).pipe(
        Scope.extend(scope),
        Effect.mapError(
          (e) => new NatsServerError({ server: layout.name, message: e.message, output: "", addressInUse: false })
        )
      )
      current = { scope, child }
      return child
    })

    const kill = (signal: NodeJS.Signals = "SIGKILL") =>
      Effect.gen(function* () {
        const running = current
        if (running === undefined) return
        yield* running.child.signal(signal)
        const ended = yield* Effect.timeoutTo(running.child.exited, {
          duration: grace,
          onSuccess: Option.some,
          onTimeout: Option.none
        })
        if (Option.isNone(ended)) {
          yield* running.child.signal("SIGKILL")
          yield* running.child.exited
        }
        lastOutput = running.child.output()
        current = undefined
        yield* Scope.close(running.scope, Exit.void)
      })

    const waitCurrent = (timeout: Duration.DurationInput = startTimeout, check = healthzOnce) =>
      current === undefined
        ? Effect.fail(
            new NatsServerError({
              server: layout.name,
              message: `${layout.name} is not running`,
              output: lastOutput,
              addressInUse: false
            })
          )
        : waitHealthy(layout, current.child, timeout, check)

    const restart = () =>
      Effect.gen(function* () {
        yield* kill("SIGTERM")
        yield* start
        yield* waitCurrent(startTimeout, rejoinedOnce)
      })

    const server: NatsServer = {
      name: layout.name,
      clientUrl: `nats://127.0.0.1:${layout.clientPort}`,
      monitorUrl: `http://127.0.0.1:${layout.monitorPort}`,
      routeUrl: layout.routePort === undefined ? undefined : `nats://127.0.0.1:${layout.routePort}`,
      storeDir: layout.storeDir,
      get pid() {
        return current?.child.pid
      },
      output: () => current?.child.output() ?? lastOutput,
      kill,
      restart,
      waitHealthy: (timeout) => Effect.suspend(() => waitCurrent(timeout))
    }
    return { server, started: Effect.asVoid(start).pipe(Effect.zipRight(Effect.suspend(() => waitCurrent()))) }
  })

/**
 * Runs `attempt` in a scope of its own that is closed when it fails, and retries it (new ports)
 * when a server lost the race for a port it was given.
 */
const withPortRetry = <A>(
  attempt: Effect.Effect<A, NatsHarnessError, Scope.Scope>
): Effect.Effect<A, NatsHarnessError, Scope.Scope> =>
  Effect.gen(function* () {
    const outer = yield* Effect.scope
    const inner = yield* Scope.fork(outer, ExecutionStrategy.sequential)
    return yield* attempt.pipe(
      Scope.extend(inner),
      Effect.onExit((exit) => (Exit.isFailure(exit) ? Scope.close(inner, exit) : Effect.void))
    )
  }).pipe(
    Effect.retry({
      times: 3,
      while: (e) => e._tag === "NatsServerError" && e.addressInUse
    })
  )

const startAll = (started: ReadonlyArray<Effect.Effect<void, NatsServerError>>) =>
  Effect.all(started, { concurrency: "unbounded", discard: true })

/** One JetStream-enabled nats-server on free loopback ports with a temporary store dir. */
export const single = (options: NatsServerOptions = {}): Effect.Effect<NatsServer, NatsHarnessError, Scope.Scope> =>
  Effect.gen(function* () {
    const binary = yield* findNatsServer(options.searchPath)
    return yield* withPortRetry(
      Effect.gen(function* () {
        const dir = yield* tempDir("parley-nats-")
        const [clientPort, monitorPort] = yield* freePorts(2)
        const layout: Layout = {
          name: `s-${randomBytes(3).toString("hex")}`,
          clientPort: clientPort!,
          monitorPort: monitorPort!,
          routePort: undefined,
          storeDir: join(dir, "data"),
          configFile: join(dir, "nats.conf")
        }
        yield* Effect.promise(async () => {
          await mkdir(layout.storeDir, { recursive: true })
          await writeFile(layout.configFile, configText(layout, undefined))
        })
        const { server, started } = yield* managed(binary, layout, options)
        yield* started
        return server
      })
    )
  })

/**
 * A JetStream cluster of `size` servers (3 or 5 for quorum) on one host: one cluster name, unique
 * `server_name`s, full route list in every config, each with its own store dir (docs/cluster.md, "NATS: three servers").
 * Returns once every member answers `/healthz`, i.e. a meta leader is elected.
 */
export const cluster = (
  size = 3,
  options: NatsServerOptions = {}
): Effect.Effect<NatsCluster, NatsHarnessError, Scope.Scope> =>
  Effect.gen(function* () {
    const binary = yield* findNatsServer(options.searchPath)
    return yield* withPortRetry(
      Effect.gen(function* () {
        const dir = yield* tempDir("parley-natsc-")
        const name = `c${randomBytes(3).toString("hex")}`
        const ports = yield* freePorts(size * 3)
        const layouts: ReadonlyArray<Layout> = Array.from({ length: size }, (_, i) => ({
          name: `${name}-n${i + 1}`,
          clientPort: ports[i * 3]!,
          monitorPort: ports[i * 3 + 1]!,
          routePort: ports[i * 3 + 2]!,
          storeDir: join(dir, `n${i + 1}`),
          configFile: join(dir, `n${i + 1}.conf`)
        }))
        const routes = layouts.map((l) => `nats://127.0.0.1:${l.routePort}`)
        yield* Effect.promise(() =>
          Promise.all(
            layouts.map(async (l) => {
              await mkdir(l.storeDir, { recursive: true })
              await writeFile(l.configFile, configText(l, { name, routes }))
            })
          )
        )
        const members = yield* Effect.forEach(layouts, (l) => managed(binary, l, options))
        yield* startAll(members.map((m) => m.started))
        const servers = members.map((m) => m.server)
        return { name, servers, clientUrls: servers.map((s) => s.clientUrl) }
      })
    )
  })
