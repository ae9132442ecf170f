import { execFile } from "node:child_process"
import { accessSync, constants, readdirSync, readFileSync, rmSync } from "node:fs"
import { chown, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import { Data, Duration, Effect, ExecutionStrategy, Exit, Option, Schedule, Scope } from "effect"
import postgres from "postgres"
import { type ChildHandle, describeExit, spawn } from "./Process.ts"
import { freePort, type NoFreePort } from "./ports.ts"

/**
 * A PostgreSQL server of a test's own, for scenarios that must pause or stop the database (the
 * shared server on 5432 is never touched): `initdb` into a temporary directory, a free loopback
 * port, fsync off, trust authentication for `postgres`. Closing the scope resumes it if paused,
 * stops it (fast shutdown) and removes the directory.
 */

/** No PostgreSQL server binaries (initdb, postgres) were found; the test fails rather than skips. */
export class PostgresServerMissing extends Data.TaggedError("PostgresServerMissing")<{ readonly message: string }> {}

/** The server could not be initialised, did not start, or did not accept connections in time. */
export class PostgresServerError extends Data.TaggedError("PostgresServerError")<{
  readonly message: string
  /** The last lines it logged, for the failure message. */
  readonly output: string
  readonly addressInUse: boolean
}> {}

export type PostgresHarnessError = PostgresServerMissing | PostgresServerError | NoFreePort

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  readonly url: string
  readonly port: number
  /** The postmaster's process id. */
  readonly pid: number
  /** The last lines the server logged. */
  readonly output: () => string
  /** SIGSTOP the postmaster and every process under it (backends, background workers): the server hangs, sockets stay open. */
  readonly pause: Effect.Effect<void>
  /** SIGCONT every process `pause` stopped (and any child that appeared since). */
  readonly resume: Effect.Effect<void>
}

export interface PostgresServerOptions {
  /** Bound on the wait until it accepts connections. */
  readonly startTimeout?: Duration.DurationInput
  /** Extra `-c name=value` settings. */
  readonly settings?: Readonly<Record<string, string>>
}

const run = promisify(execFile)

const isExecutable = (path: string): boolean => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Debian keeps the server binaries out of PATH, under /usr/lib/postgresql/<major>/bin; `pg_config`
 * names the installed one, and without it the newest major there is taken.
 */
const findBinDir: Effect.Effect<string, PostgresServerMissing> = Effect.gen(function* () {
  const fromPgConfig = yield* Effect.promise(() =>
    run("pg_config", ["--bindir"]).then(
      (r) => r.stdout.trim(),
      () => ""
    )
  )
  const root = "/usr/lib/postgresql"
  const majors = yield* Effect.sync(() => {
    try {
      return readdirSync(root)
        .filter((d) => /^\d+$/.test(d))
        .sort((a, b) => Number(b) - Number(a))
    } catch {
      return []
    }
  })
  const found = [fromPgConfig, ...majors.map((m) => join(root, m, "bin"))].find(
    (dir) => dir !== "" && isExecutable(join(dir, "initdb")) && isExecutable(join(dir, "postgres"))
  )
  if (found === undefined) {
    return yield* new PostgresServerMissing({
      message: "initdb/postgres not found (pg_config --bindir, /usr/lib/postgresql/*/bin): apt-get install postgresql"
    })
  }
  return found
})

/**
 * initdb and postgres refuse to run as root, so as root they run as the `postgres` OS user. Through
 * `setpriv`, which execs, rather than `runuser`, which forks and waits: with runuser the spawned
 * pid would not be the postmaster's, and runuser stops itself when its child is SIGSTOPped.
 */
const asServerUser = (command: string, args: ReadonlyArray<string>): [string, ReadonlyArray<string>] =>
  process.getuid?.() === 0
    ? ["setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", command, ...args]]
    : [command, args]

const serverUserIds = Effect.promise(async () => {
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])])
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
})

/** A temporary directory (owned by the server's user), removed when the scope closes. */
const dataRoot = Effect.acquireRelease(
  Effect.gen(function* () {
    const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "parley-pg-")))
    if (process.getuid?.() === 0) {
      const ids = yield* serverUserIds
      yield* Effect.promise(() => chown(dir, ids.uid, ids.gid))
    }
    return dir
  }),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

/** Direct children of `pid`, from `/proc/<child>/stat` (its 4th field, after the parenthesised name). */
const childrenOf = (pid: number): ReadonlyArray<number> => {
  const children: Array<number> = []
  let entries: ReadonlyArray<string> = []
  try {
    entries = readdirSync("/proc")
  } catch {
    return children
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8")
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1])
      if (ppid === pid) children.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return children
}

const descendantsOf = (pid: number): ReadonlyArray<number> => {
  const all: Array<number> = []
  const queue = [pid]
  while (queue.length > 0) {
    for (const child of childrenOf(queue.shift()!)) {
      all.push(child)
      queue.push(child)
    }
  }
  return all
}

const signalQuietly = (pid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

/** Every process of the server gets SIGCONT: a stopped backend would otherwise outlive the test, holding its files. */
const resumeTree = (postmaster: number): void => {
  signalQuietly(postmaster, "SIGCONT")
  for (const pid of descendantsOf(postmaster)) signalQuietly(pid, "SIGCONT")
}

const isAddressInUse = (output: string): boolean => /address already in use|could not bind/i.test(output)

const failure = (message: string, output: string) =>
  new PostgresServerError({
    message: `${message}\n--- last output ---\n${output.split("\n").slice(-30).join("\n")}`,
    output,
    addressInUse: isAddressInUse(output)
  })

const initdb = (binDir: string, dataDir: string) =>
  Effect.tryPromise({
    try: () => {
      const [command, args] = asServerUser(join(binDir, "initdb"), [
        "-D",
        dataDir,
        "-U",
        "postgres",
        "--auth=trust",
        "--no-sync",
        "--no-instructions",
        "-E",
        "UTF8",
        "--locale=C"
      ])
      return run(command, [...args], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C" } })
    },
    catch: (cause) => failure(`initdb failed: ${cause instanceof Error ? cause.message : String(cause)}`, "")
  })

const acceptsConnections = (url: string) =>
  Effect.tryPromise({
    try: async () => {
      const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 1 })
      try {
        await sql`select 1`
      } finally {
        await sql.end({ timeout: 1 })
      }
    },
    catch: (cause) => (cause instanceof Error ? cause.message : String(cause))
  })

const waitAccepting = (url: string, child: ChildHandle, timeout: Duration.DurationInput) => {
  let last = "no answer yet"
  const poll = acceptsConnections(url).pipe(
    Effect.tapError((e) => Effect.sync(() => (last = e))),
    Effect.retry(Schedule.spaced("100 millis")),
    Effect.orDie
  )
  const died = Effect.flatMap(child.exited, (status) =>
    Effect.fail(failure(`postgres exited during start-up (${describeExit(status)})`, child.output()))
  )
  return Effect.raceFirst(poll, died).pipe(
    Effect.timeoutFail({
      duration: timeout,
      onTimeout: () =>
        failure(`postgres not accepting after ${Duration.format(Duration.decode(timeout))}: ${last}`, child.output())
    })
  )
}

const startOnce = (binDir: string, options: PostgresServerOptions) =>
  Effect.gen(function* () {
    const root = yield* dataRoot
    const dataDir = join(root, "data")
    yield* initdb(binDir, dataDir)
    const port = yield* freePort
    const settings: Record<string, string> = {
      listen_addresses: "127.0.0.1",
      port: String(port),
      unix_socket_directories: root,
      fsync: "off",
      synchronous_commit: "off",
      full_page_writes: "off",
      max_connections: "200",
      ...options.settings
    }
    const [command, args] = asServerUser(join(binDir, "postgres"), [
      "-D",
      dataDir,
      ...Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`])
    ])
    const child = yield* spawn({ name: `postgres:${port}`, command, args, keepLines: 200, grace: "10 seconds" }).pipe(
      Effect.mapError((e) => failure(e.message, ""))
    )
    // The worker ending without closing its scopes (a crash): nothing of the server may outlive it,
    // least of all a stopped backend, which nothing would ever resume.
    const onExit = () => {
      resumeTree(child.pid)
      for (const pid of descendantsOf(child.pid)) signalQuietly(pid, "SIGKILL")
      signalQuietly(child.pid, "SIGKILL")
      rmSync(root, { recursive: true, force: true })
    }
    // Finalizers run last-added first: this one runs before `spawn`'s SIGTERM, which is a "smart"
    // shutdown that would wait for every client to leave.
    yield* Effect.acquireRelease(
      // Ahead of Process.ts's exit hook, which SIGKILLs the postmaster: its children would then be
      // re-parented and no longer found.
      Effect.sync(() => process.prependOnceListener("exit", onExit)),
      () =>
        Effect.gen(function* () {
          process.off("exit", onExit)
          resumeTree(child.pid)
          yield* child.signal("SIGINT")
          const ended = yield* Effect.timeoutTo(child.exited, {
            duration: "10 seconds",
            onSuccess: Option.some,
            onTimeout: Option.none
          })
          if (Option.isNone(ended)) {
            for (const pid of descendantsOf(child.pid)) signalQuietly(pid, "SIGKILL")
            yield* child.signal("SIGKILL")
            yield* child.exited
          }
        })
    )
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`
    yield* waitAccepting(url, child, options.startTimeout ?? "30 seconds")
    const server: PostgresServer = {
      url,
      port,
      pid: child.pid,
      output: child.output,
      pause: Effect.sync(() => {
        // The postmaster first, so it forks no new backend while its children are being stopped.
        signalQuietly(child.pid, "SIGSTOP")
        for (const pid of descendantsOf(child.pid)) signalQuietly(pid, "SIGSTOP")
      }),
      resume: Effect.sync(() => resumeTree(child.pid))
    }
    return server
  })

/**
 * Starts the server and returns once it accepts connections. A start that lost its port to
 * another process is retried on a new port, in a fresh directory.
 */
export const start = (
  options: PostgresServerOptions = {}
): Effect.Effect<PostgresServer, PostgresHarnessError, Scope.Scope> =>
  Effect.gen(function* () {
    const binDir = yield* findBinDir
    const attempt = Effect.gen(function* () {
      const outer = yield* Effect.scope
      const inner = yield* Scope.fork(outer, ExecutionStrategy.sequential)
      return yield* startOnce(binDir, options).pipe(
        Scope.extend(inner),
        Effect.onExit((exit) => (Exit.isFailure(exit) ? Scope.close(inner, exit) : Effect.void))
      )
    })
    return yield* attempt.pipe(
      Effect.retry({ times: 3, while: (e) => e._tag === "PostgresServerError" && e.addressInUse })
    )
  })
