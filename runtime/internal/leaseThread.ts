import { Worker } from "node:worker_threads"
import { Deferred, Effect, Exit, Runtime, Schema, type Scope } from "effect"
import { BusError, type LeaseRenewer, type RenewerSettings } from "../Bus.ts"
import { FromWorker, type ToWorker, type WorkerData } from "./leaseWorkerProtocol.ts"

/** How often the main thread beats for the worker (ms): the worker tells busy from hung by it. */
const beatEvery = 250

/**
 * The worker is TypeScript. Node 20 checks a worker's entry file before any `--import` hook runs,
 * so the entry is a line of JavaScript that registers tsx in the worker and then loads it.
 */
const bootstrap = (entry: URL): string =>
  `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}) })`

/**
 * The main thread's side of the lease worker (`leaseWorker.ts`): starts it with its own NATS
 * connection, beats every 250 ms into shared memory so it can tell a busy thread (late beats) from
 * a hung one (none), turns its reports into each lease's `lost`, and logs when leases turn suspect
 * (no renewal confirmed) and when they are confirmed again. The worker ends with the scope.
 */
export const make = (args: {
  readonly servers: ReadonlyArray<string>
  readonly name: string
  readonly bucket: string
  readonly settings: RenewerSettings
}): Effect.Effect<LeaseRenewer, BusError, Scope.Scope> =>
  Effect.gen(function* () {
    const heartbeat = new SharedArrayBuffer(8)
    const beat = new BigInt64Array(heartbeat)
    const stamp = () => {
      Atomics.store(beat, 0, BigInt(Date.now()))
    }
    stamp()
    yield* Effect.acquireRelease(
      Effect.sync(() => setInterval(stamp, beatEvery).unref()),
      (timer) => Effect.sync(() => clearInterval(timer))
    )
    const data: WorkerData = {
      servers: args.servers,
      name: args.name,
      bucket: args.bucket,
      renewEvery: args.settings.renewEvery,
      suspectAfter: args.settings.suspectAfter,
      heartbeat,
      mainStallLimit: args.settings.hungAfter
    }
    const ready = yield* Deferred.make<void, BusError>()
    const log = Runtime.runFork(yield* Effect.runtime<never>())
    const lost = new Map<string, Deferred.Deferred<string>>()
    const released = new Map<string, Deferred.Deferred<void>>()
    const loseAll = (reason: string) => {
      for (const d of lost.values()) Deferred.unsafeDone(d, Exit.succeed(reason))
    }
    const worker = yield* Effect.acquireRelease(
      Effect.try({
        try: () =>
          new Worker(bootstrap(new URL("./leaseWorker.ts", import.meta.url)), {
            eval: true,
            workerData: data,
            execArgv: []
          }),
        catch: (cause) => new BusError({ operation: "leaseWorker", message: String(cause), cause })
      }),
      (w) => Effect.promise(() => w.terminate())
    )
    worker.on("message", (raw: unknown) => {
      const decoded = Schema.decodeUnknownEither(FromWorker)(raw)
      if (decoded._tag === "Left") return
      const message = decoded.right
      switch (message._tag) {
        case "Ready":
          Deferred.unsafeDone(ready, Exit.void)
          return
        case "Failed":
          Deferred.unsafeDone(ready, Exit.fail(new BusError({ operation: "leaseWorker", message: message.reason })))
          loseAll(`lease worker failed: ${message.reason}`)
          return
        case "Lost": {
          const d = lost.get(message.key)
          if (d !== undefined) Deferred.unsafeDone(d, Exit.succeed(message.reason))
          return
        }
        case "Released": {
          const d = released.get(message.key)
          if (d !== undefined) Deferred.unsafeDone(d, Exit.void)
          return
        }
        case "Suspect":
          log(Effect.logWarning(`${message.leases} leases suspect: ${message.reason}`))
          return
        case "Confirmed":
          log(Effect.logInfo(`every lease renewal confirmed again after ${message.after} ms`))
      }
    })
    worker.on("error", (error) => {
      Deferred.unsafeDone(ready, Exit.fail(new BusError({ operation: "leaseWorker", message: error.message })))
      loseAll(`lease worker failed: ${error.message}`)
    })
    worker.on("exit", () => loseAll("lease worker exited"))
    yield* Deferred.await(ready).pipe(
      Effect.timeoutFail({
        duration: "30 seconds",
        onTimeout: () => new BusError({ operation: "leaseWorker", message: "lease worker did not start in 30 s" })
      })
    )
    const post = (message: ToWorker) => worker.postMessage(message)

    const hold: LeaseRenewer["hold"] = (key, value, revision) =>
      Effect.gen(function* () {
        const gone = yield* Deferred.make<string>()
        lost.set(key, gone)
        post({ _tag: "Hold", key, value, revision })
        const release = Effect.gen(function* () {
          const done = yield* Deferred.make<void>()
          released.set(key, done)
          post({ _tag: "Release", key })
          // The worker deletes the key after any renewal in flight; a worker that does not answer
          // leaves it to lapse at its TTL.
          yield* Deferred.await(done).pipe(Effect.timeout("3 seconds"), Effect.ignore)
          if (released.get(key) === done) released.delete(key)
          if (lost.get(key) === gone) lost.delete(key)
        })
        return { lost: gone, release }
      })
    return { hold }
  })
