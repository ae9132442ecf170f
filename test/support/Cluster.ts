import { randomBytes } from "node:crypto"
import { appendFileSync, mkdirSync } from "node:fs"
import { Effect, Schedule, type Scope } from "effect"
import postgres from "postgres"
import { kinds } from "../../actors/Kinds.ts"
import { demoBusinessId } from "../../db/seed/customers.ts"
import { nodeFlags } from "../../node/NodeFlags.ts"
import { winner } from "../../runtime/internal/rendezvous.ts"
import * as Simulator from "../../sim/Simulator.ts"
import * as NatsServer from "./NatsServer.ts"
import { type ChildHandle, describeExit, spawn } from "./Process.ts"
import { freePorts } from "./ports.ts"
import { freshDatabase } from "./TestDatabase.ts"

/**
 * A whole Parley cluster in child processes, for failover tests and `bench/cluster.ts`: a 3-server
 * NATS cluster (streams at R3), a fresh PostgreSQL database, N Parley nodes (`main.ts`, exactly as
 * deployed) on free loopback ports, and the Apple simulator in this process posting each webhook
 * to a random node, retrying the same request (same Apple message id) on 503 or a refused
 * connection, as Apple does. Everything stops when the scope closes.
 */

export interface ClusterNode {
  readonly id: string
  readonly url: string
  /** The running process (replaced by `start`). */
  readonly process: () => ChildHandle | undefined
  /** Starts the node (again) with the same id and port; waits until it is ready. */
  readonly start: () => Effect.Effect<void, unknown, Scope.Scope>
  /** SIGKILL, SIGTERM (graceful) or SIGSTOP/SIGCONT. */
  readonly signal: (signal: NodeJS.Signals) => Effect.Effect<void>
  /** SIGTERM and wait for it to end. */
  readonly stop: () => Effect.Effect<void>
}

export interface Cluster {
  readonly nats: NatsServer.NatsCluster
  readonly databaseUrl: string
  readonly nodes: ReadonlyArray<ClusterNode>
  readonly sim: Simulator.Simulator
  /** Webhook attempts answered 503 or refused, by the retrying delivery. */
  readonly retries: () => number
}

export interface ClusterOptions {
  readonly nodes?: number
  /** How many of the nodes to start at once (default all); the rest wait for `start()`. */
  readonly startNodes?: number
  /** Extra environment for every node (e.g. `LOG_LEVEL`). */
  readonly env?: Readonly<Record<string, string>>
  /**
   * A database on a PostgreSQL server of the caller's own (one the test pauses or stops), used as
   * is: such a server is throw-away, so a database of its own on it would isolate nothing more. The
   * nodes migrate it as they start (under the migration lock). Default: a fresh database on the
   * shared server.
   */
  readonly databaseUrl?: string
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export const start = (options: ClusterOptions = {}): Effect.Effect<Cluster, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const count = options.nodes ?? 3
    const nats = yield* NatsServer.cluster(3)
    const databaseUrl = options.databaseUrl ?? (yield* freshDatabase("cluster"))
    const ports = yield* freePorts(count)
    const urls = ports.map((p) => `http://127.0.0.1:${p}`)
    let retries = 0
    const mspId = crypto.randomUUID()
    const secret = randomBytes(32).toString("base64")
    const sim = yield* Simulator.make({
      mspId,
      secret,
      businessIds: [demoBusinessId],
      mspFetch: async (request) => {
        const body = await request.arrayBuffer()
        const deadline = Date.now() + 120_000
        while (true) {
          // Like a load balancer without health checks: any node, and on a refusal or 503 another try.
          const base = urls[Math.floor(Math.random() * urls.length)]!
          const answer = await fetch(`${base}/message`, {
            method: "POST",
            headers: request.headers,
            body,
            signal: AbortSignal.timeout(30_000)
          }).catch(() => undefined)
          if (answer !== undefined && answer.status !== 503) return answer
          if (Date.now() > deadline) return answer ?? new Response("no node answered", { status: 599 })
          retries++
          await sleep(100 + Math.random() * 200)
        }
      }
    })
    const env = {
      ...process.env,
      NATS_URL: nats.clientUrls.join(","),
      DATABASE_URL: databaseUrl,
      STREAM_REPLICAS: "3",
      SUBJECT_PREFIX: `cl${randomBytes(4).toString("hex")}`,
      SESSION_SECRET: randomBytes(32).toString("base64url"),
      APPLE_MSP_ID: mspId,
      APPLE_MSP_SECRET: secret,
      APPLE_BUSINESS_ID: demoBusinessId,
      APPLE_API_BASE: sim.url,
      SEED_DEMO_DATA: "true",
      // CLUSTER_LOG_LEVEL=info shows partition moves and leases when a scenario fails.
      LOG_LEVEL: process.env.CLUSTER_LOG_LEVEL ?? "warning",
      ...options.env
    }
    const logDir = process.env.CLUSTER_LOG_DIR
    if (logDir !== undefined) mkdirSync(logDir, { recursive: true })
    const nodes = urls.map((url, i): ClusterNode => {
      const id = `node-${i + 1}`
      let current: ChildHandle | undefined
      const ready = Effect.tryPromise(() => fetch(`${url}/readyz`)).pipe(
        Effect.filterOrFail((r) => r.ok),
        Effect.retry(Schedule.spaced("300 millis")),
        // A node's start (tsx compiling, migrations, 152 consumers) took over 90 s on this 2-core
        // host with another test file beside it, as CI runs them.
        Effect.timeout("180 seconds")
      )
      return {
        id,
        url,
        process: () => current,
        start: () =>
          Effect.gen(function* () {
            current = yield* spawn({
              name: id,
              command: process.execPath,
              args: [...nodeFlags, "--import", "tsx", "main.ts"],
              env: { ...env, PORT: String(ports[i]), NODE_ID: id },
              grace: "15 seconds",
              keepLines: Number(process.env.CLUSTER_LOG_LINES ?? 400),
              // CLUSTER_LOG_DIR keeps each node's whole output (`node-1.log`, …) to read a timeline.
              ...(logDir === undefined
                ? {}
                : { onOutput: (text: string) => appendFileSync(`${logDir}/${id}.log`, text) })
            })
            const child = current
            // A node that never gets ready says why: its own last lines, not only the timeout; one
            // that exits says so at once, not after the whole wait.
            const exited = child.exited.pipe(
              Effect.flatMap((status) => Effect.fail(`it exited: ${describeExit(status)}`))
            )
            yield* Effect.raceFirst(ready, exited).pipe(
              Effect.catchAll((e) =>
                Effect.die(new Error(`${id} not ready (${String(e)}); its last output:\n${child.output()}`))
              )
            )
          }),
        signal: (signal) => Effect.suspend(() => current?.signal(signal) ?? Effect.void),
        stop: () =>
          Effect.suspend(() => (current === undefined ? Effect.void : Effect.asVoid(current.stop("15 seconds"))))
      }
    })
    yield* Effect.forEach(nodes.slice(0, options.startNodes ?? count), (n) => n.start(), { concurrency: "unbounded" })
    return { nats, databaseUrl, nodes, sim, retries: () => retries }
  })

/** The nats-server currently leading the stream of actor kind `kind` (from the monitoring `/jsz`). */
export const streamLeader = (cluster: Cluster, kind: string): Effect.Effect<NatsServer.NatsServer, Error> =>
  Effect.tryPromise({
    try: async () => {
      for (const server of cluster.nats.servers) {
        const jsz = (await (await fetch(`${server.monitorUrl}/jsz?accounts=true&streams=true`)).json()) as {
          account_details?: ReadonlyArray<{
            stream_detail?: ReadonlyArray<{ name: string; cluster?: { leader?: string } }>
          }>
        }
        const streams = (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? [])
        const leader = streams.find((s) => s.name.endsWith(`_${kind.toUpperCase()}`))?.cluster?.leader
        const found = cluster.nats.servers.find((s) => s.name === leader)
        if (found !== undefined) return found
      }
      throw new Error(`no leader found for the ${kind} stream`)
    },
    catch: (e) => (e instanceof Error ? e : new Error(String(e)))
  })

/**
 * Waits until every partition of every kind has its consumer (the monitoring `/jsz` counts them
 * per stream): each node has taken what it won and is pulling, so a scenario that starts then
 * measures its own disruption, not the cluster's start or the previous scenario's rebalance.
 */
export const everyPartitionConsuming = (
  cluster: Cluster,
  kinds: ReadonlyArray<{ readonly name: string; readonly partitions: number }>
): Effect.Effect<void, Error> =>
  Effect.tryPromise({
    try: async () => {
      // Every server's view, the largest count per stream: a server just restarted reports its
      // streams late or, after nats-server 2.9's stream reset, without their consumers.
      const counts = new Map<string, number>()
      for (const server of cluster.nats.servers) {
        const jsz = await fetch(`${server.monitorUrl}/jsz?accounts=true&streams=true`)
          .then(
            (r) =>
              r.json() as Promise<{
                account_details?: ReadonlyArray<{
                  stream_detail?: ReadonlyArray<{ name: string; state?: { consumer_count?: number } }>
                }>
              }>
          )
          .catch(() => undefined)
        for (const stream of (jsz?.account_details ?? []).flatMap((a) => a.stream_detail ?? [])) {
          counts.set(stream.name, Math.max(counts.get(stream.name) ?? 0, stream.state?.consumer_count ?? 0))
        }
      }
      const short = kinds.filter((kind) => {
        const stream = [...counts.keys()].find((name) => name.endsWith(`_${kind.name.toUpperCase()}`))
        return (stream === undefined ? 0 : (counts.get(stream) ?? 0)) < kind.partitions
      })
      if (short.length > 0) throw new Error(`partitions not all consuming yet: ${short.map((k) => k.name).join(", ")}`)
    },
    catch: (e) => (e instanceof Error ? e : new Error(String(e)))
  }).pipe(Effect.retry(Schedule.spaced("500 millis").pipe(Schedule.upTo("60 seconds"))))

/** How many partitions (of every kind) each node owns now, from the fence table. */
export const partitionsByNode = (cluster: Cluster): Effect.Effect<ReadonlyMap<string, number>> =>
  Effect.promise(async () => {
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const rows = await sql<Array<{ owner: string; n: number }>>`
        select owner, count(*)::int as n from partition_fence group by owner`
      return new Map(rows.map((r) => [r.owner, r.n]))
    } finally {
      await sql.end()
    }
  })

/** Owner of each partition now, `kind/partition` → node id, from the fence table. */
export const ownership = (cluster: Cluster): Effect.Effect<ReadonlyMap<string, string>> =>
  Effect.promise(async () => {
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const rows = await sql<Array<{ kind: string; partition: number; owner: string }>>`
        select kind, partition, owner from partition_fence`
      return new Map(rows.map((r) => [`${r.kind}/${r.partition}`, r.owner]))
    } finally {
      await sql.end()
    }
  })

export interface Fence {
  readonly owner: string
  readonly epoch: number
}

/** `kind.partition` (the kind without the deployment prefix) → owner and epoch, from the fence table. */
export const fences = (cluster: Cluster): Effect.Effect<ReadonlyMap<string, Fence>> =>
  Effect.promise(async () => {
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const rows = await sql<Array<{ kind: string; partition: number; owner: string; epoch: number }>>`
        select kind, partition, owner, epoch::float8 as epoch from partition_fence`
      return new Map<string, Fence>(
        rows.map((r) => [`${r.kind.slice(r.kind.indexOf("/") + 1)}.${r.partition}`, { owner: r.owner, epoch: r.epoch }])
      )
    } finally {
      await sql.end()
    }
  })

const partitionCount = kinds.reduce((n, k) => n + k.partitions, 0)

/** Waits (up to 90 s) until every partition is owned by its rendezvous winner among `members`. */
export const settledOn = (cluster: Cluster, members: ReadonlyArray<string>) =>
  fences(cluster).pipe(
    Effect.filterOrFail(
      (f) => f.size === partitionCount && [...f].every(([key, { owner }]) => owner === winner(members, key)),
      () => new Error(`partitions not yet placed over ${members.join(", ")}`)
    ),
    Effect.retry(Schedule.spaced("500 millis").pipe(Schedule.upTo("90 seconds")))
  )

/**
 * The last lines each node logged, for a failing scenario's report: without them a partition left
 * without an owner is invisible from the test.
 */
export const nodeLogs = (cluster: Cluster): string =>
  cluster.nodes.map((n) => `----- ${n.id} (${n.url}) -----\n${n.process()?.output() ?? "(not started)"}`).join("\n")

/** Runs `scenario`; when it fails, prints every node's recent log lines first. */
export const withNodeLogsOnFailure = <A, E, R>(cluster: Cluster, scenario: Effect.Effect<A, E, R>) =>
  scenario.pipe(Effect.tapErrorCause(() => Effect.sync(() => process.stderr.write(`${nodeLogs(cluster)}\n`))))
