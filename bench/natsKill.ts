/**
 * The NATS-server-loss scenario of `test/cluster/Failover.cluster.test.ts`, run again and again on
 * one cluster (3 nats-servers at R3, PostgreSQL, 3 Parley nodes): each run waits until every NATS
 * server has caught up (full /healthz) and every partition is consuming, SIGKILLs the NATS server leading the conversation stream 2 s into the
 * load, restarts it 8 s later, and prints the longest wait for a reply (the issue's bound: 20 s)
 * and whether anything was lost, duplicated or reordered.
 *
 *   node --import tsx bench/natsKill.ts        # needs nats-server and DATABASE_URL (PostgreSQL)
 *   BENCH_RUNS=10 BENCH_CUSTOMERS=16 BENCH_MESSAGES=12 node --import tsx bench/natsKill.ts
 *   CLUSTER_LOG_LEVEL=info CLUSTER_LOG_LINES=20000 ...   # a run over 20 s leaves the nodes' logs in a file
 */
import { writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Logger, LogLevel } from "effect"
import { kinds } from "../actors/Kinds.ts"
import * as Cluster from "../test/support/Cluster.ts"
import * as ClusterLoad from "../test/support/ClusterLoad.ts"

const runs = Number(process.env.BENCH_RUNS ?? 10)
const customers = Number(process.env.BENCH_CUSTOMERS ?? 16)
const messages = Number(process.env.BENCH_MESSAGES ?? 12)

const say = (line: string) => Effect.sync(() => process.stdout.write(`${line}\n`))

/** Which NATS server each node's connections are on (`/connz`), and every server's recent log lines. */
const natsState = (cluster: Cluster.Cluster) =>
  Effect.promise(async () => {
    const parts: Array<string> = []
    for (const server of cluster.nats.servers) {
      const connz = (await fetch(`${server.monitorUrl}/connz?limit=1024`)
        .then((r) => r.json())
        .catch(() => ({}))) as { connections?: ReadonlyArray<{ name?: string }> }
      const names = (connz.connections ?? []).map((c) => c.name ?? "?").sort()
      parts.push(`----- ${server.name} connections: ${names.join(", ")}\n${server.output()}`)
    }
    return parts.join("\n")
  })

const program = Effect.scoped(
  Effect.gen(function* () {
    const cluster = yield* Cluster.start({ nodes: 3 })
    yield* ClusterLoad.run(cluster, { customers: 6, messages: 2, label: "warm" })
    const longest: Array<number> = []
    for (let run = 1; run <= runs; run++) {
      // One NATS server lost at a time, as R3 is built for: the server restarted in the previous run
      // must have caught up (every replica it holds current: the full /healthz) before the next kill.
      // Killing another while it still caught up took two of three replicas of some stream: in one
      // such run the restarted server became the apple_out stream's leader, found its store short
      // ("stream store EOF"), reset the stream, and replies waited a second election (33.8 s).
      const waitFrom = Date.now()
      const caughtUp = yield* Effect.either(
        Effect.forEach(cluster.nats.servers, (server) => server.waitHealthy("120 seconds"), { discard: true })
      )
      if (caughtUp._tag === "Left")
        yield* say(`run ${run}: a NATS server was still not current after 120 s; killing anyway`)
      else if (run > 1) yield* say(`run ${run}: every NATS server current after ${Date.now() - waitFrom} ms`)
      yield* Cluster.everyPartitionConsuming(cluster, kinds)
      const leader = yield* Cluster.streamLeader(cluster, "conv")
      const retries = cluster.retries()
      // A run that stalls (a reply not within 90 s) prints every node's recent log lines.
      const dump = Effect.gen(function* () {
        // What a slow run waited on is in the nodes' logs (CLUSTER_LOG_LEVEL=info names every lease,
        // consumer and partition step) and the servers'; kept in a file, as they run to thousands of lines.
        const file = join(tmpdir(), `natskill-run${run}-${Date.now()}.log`)
        writeFileSync(file, `${Cluster.nodeLogs(cluster)}\n${yield* natsState(cluster)}\n`)
        return file
      })
      const r = yield* Cluster.withNodeLogsOnFailure(
        cluster,
        ClusterLoad.run(cluster, {
          customers,
          messages,
          label: `natskill${run}`,
          replyWithin: "90 seconds",
          during: Effect.gen(function* () {
            yield* Effect.sleep("2 seconds")
            yield* leader.kill("SIGKILL")
            yield* Effect.sleep("8 seconds")
            yield* leader.restart()
          })
        }).pipe(Effect.tapErrorCause(() => Effect.flatMap(dump, (file) => say(`run ${run} stalled; logs in ${file}`))))
      )
      const v = yield* ClusterLoad.check(cluster, r, messages)
      const bad = Object.entries(v).filter(([, list]) => list.length > 0)
      const gap = Math.max(...r.latencies)
      longest.push(gap)
      if (gap > 20_000) {
        const file = yield* dump
        yield* say(`  slowest: ${ClusterLoad.describeSlowest(r.waits, 5)}; node and server logs in ${file}`)
      }
      yield* say(
        `run ${run}: killed ${leader.name}; longest wait for a reply ${gap} ms; p99 ${ClusterLoad.percentile(r.latencies, 99)} ms; longest silence ${r.longestSilence} ms; ${cluster.retries() - retries} webhook retries; ${bad.length === 0 ? "nothing lost, duplicated or reordered" : `!! ${bad.map(([k, list]) => `${k}: ${list.length}`).join(", ")}`}`
      )
    }
    const over = longest.filter((ms) => ms > 20_000).length
    yield* say(
      `${runs} runs: longest waits ${longest.join(", ")} ms; worst ${Math.max(...longest)} ms; ${over === 0 ? "every run" : `${runs - over} of ${runs}`} within 20 s`
    )
  })
)

Effect.runPromise(program.pipe(Logger.withMinimumLogLevel(LogLevel.Warning))).then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
