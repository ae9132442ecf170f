import { type ChildProcess, spawn as spawnChild } from "node:child_process"
import { Data, type Duration, Effect, Option, type Scope } from "effect"

/** A child process could not be started. */
export class ProcessError extends Data.TaggedError("ProcessError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/** How a child ended: one of the two is set. */
export interface ExitStatus {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

export interface SpawnOptions {
  /** Short label used in messages. */
  readonly name: string
  readonly command: string
  readonly args: ReadonlyArray<string>
  readonly cwd?: string
  readonly env?: NodeJS.ProcessEnv
  /** How many output lines to keep for failure messages. */
  readonly keepLines?: number
  /** How long scope close waits after SIGTERM before SIGKILL. */
  readonly grace?: Duration.DurationInput
  /** Also hands each output chunk here (the cluster demo echoes its nodes' logs). */
  readonly onOutput?: (chunk: string) => void
}

/** A running (or ended) child process owned by a scope. */
export interface ChildHandle {
  readonly name: string
  readonly pid: number
  /** The last lines the child wrote to stdout and stderr, interleaved. */
  readonly output: () => string
  /** `undefined` while it runs. */
  readonly exitStatus: () => ExitStatus | undefined
  /** Waits for the child to end. */
  readonly exited: Effect.Effect<ExitStatus>
  /** Sends a signal without waiting (SIGSTOP/SIGCONT are meant to leave it alive). */
  readonly signal: (signal: NodeJS.Signals) => Effect.Effect<void>
  /** SIGTERM, then SIGKILL after the grace period; returns once it has ended. */
  readonly stop: (grace?: Duration.DurationInput) => Effect.Effect<ExitStatus>
}

/**
 * Children still running when the test worker exits without closing its scopes (a crash, a
 * `process.exit`) would outlive the run and hold their ports; kill them synchronously then.
 */
const live = new Set<ChildProcess>()
let exitHookInstalled = false
const installExitHook = (): void => {
  if (exitHookInstalled) return
  exitHookInstalled = true
  process.once("exit", () => {
    for (const child of live) child.kill("SIGKILL")
  })
}

const ringBuffer = (keep: number) => {
  const lines: Array<string> = []
  let partial = ""
  return {
    push: (chunk: Buffer): void => {
      const parts = (partial + chunk.toString("utf8")).split("\n")
      partial = parts.pop() ?? ""
      for (const line of parts) {
        lines.push(line)
        if (lines.length > keep) lines.shift()
      }
    },
    text: (): string => [...lines, ...(partial === "" ? [] : [partial])].join("\n")
  }
}

/** How a child ended, for error messages. */
export const describeExit = (status: ExitStatus): string =>
  status.signal === null ? `exit code ${status.code}` : `signal ${status.signal}`

const waitStarted = (child: ChildProcess): Promise<void> =>
  new Promise((resolve, reject) => {
    child.once("spawn", () => resolve())
    child.once("error", reject)
  })

/**
 * Starts a child process as a scoped resource: its output goes to a ring buffer, and closing the
 * scope stops it (SIGTERM, SIGKILL after the grace period).
 */
export const spawn = (options: SpawnOptions): Effect.Effect<ChildHandle, ProcessError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async (): Promise<ChildHandle> => {
        installExitHook()
        const buffer = ringBuffer(options.keepLines ?? 200)
        const child = spawnChild(options.command, [...options.args], {
          cwd: options.cwd,
          env: options.env ?? process.env,
          stdio: ["ignore", "pipe", "pipe"]
        })
        let status: ExitStatus | undefined
        const exitedPromise = new Promise<ExitStatus>((resolve) => {
          child.once("exit", (code, signal) => {
            live.delete(child)
            status = { code, signal }
            resolve(status)
          })
        })
        child.stdout?.on("data", buffer.push)
        child.stderr?.on("data", buffer.push)
        const echo = options.onOutput
        if (echo !== undefined) {
          child.stdout?.on("data", (chunk: Buffer) => echo(String(chunk)))
          child.stderr?.on("data", (chunk: Buffer) => echo(String(chunk)))
        }
        await waitStarted(child)
        // A failed kill() emits 'error' later; without a listener that would crash the worker.
        child.on("error", () => {})
        live.add(child)
        const pid = child.pid ?? -1
        const exited = Effect.promise(() => exitedPromise)
        const signal = (sig: NodeJS.Signals) =>
          Effect.sync(() => {
            if (status === undefined) child.kill(sig)
          })
        const stop = (grace: Duration.DurationInput = options.grace ?? "5 seconds") =>
          Effect.gen(function* () {
            if (status !== undefined) return status
            yield* signal("SIGTERM")
            const ended = yield* Effect.timeoutTo(exited, {
              duration: grace,
              onSuccess: Option.some,
              onTimeout: Option.none
            })
            if (Option.isSome(ended)) return ended.value
            yield* signal("SIGKILL")
            return yield* exited
          })
        return {
          name: options.name,
          pid,
          output: buffer.text,
          exitStatus: () => status,
          exited,
          signal,
          stop
        }
      },
      catch: (cause) =>
        new ProcessError({
          message: `${options.name}: cannot start ${options.command}: ${cause instanceof Error ? cause.message : String(cause)}`,
          cause
        })
    }),
    (handle) => handle.stop()
  )
