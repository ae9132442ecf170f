/**
 * Cluster figures on this machine: throughput and latency with 1, 2 and 3 Parley nodes (each a
 * separate process, against a 3-server NATS cluster at R3 and one PostgreSQL), the failover gap
 * after SIGKILL of a node, the gap after SIGKILL of the NATS server leading the conversation
 * stream, and the longest wait while a 4th node joins (with how many partitions move).
 *
 *   node --import tsx bench/cluster.ts        # needs nats-server and DATABASE_URL (PostgreSQL)
 *   BENCH_NODES=1,3 BENCH_CUSTOMERS=40 BENCH_MESSAGES=20 node --import tsx bench/cluster.ts
 *
 * Each simulated customer sends "menu n" and waits for the bot's menu before the next message, so
 * the load is closed-loop: throughput = customers / latency. All processes share this machine's
 * cores, so adding nodes adds parallelism only up to the core count.
 */
import { cpus } from "node:os"
import { Effect, Logger, LogLevel } from "effect"
import { kinds } from "../actors/Kinds.ts"
import * as Cluster from "../test/support/Cluster.ts"
import * as ClusterLoad from "../test/support/ClusterLoad.ts"

const nodeCounts = (process.env.BENCH_NODES ?? "1,2,3").split(",").map(Number)
const customers = Number(process.env.BENCH_CUSTOMERS ?? 40)
const messages = Number(process.env.BENCH_MESSAGES ?? 20)

const say = (line: string) => Effect.sync(() => process.stdout.write(`${line}\n`))

const summary = (label: string, r: ClusterLoad.LoadResult) =>
  `${label}: ${r.sent} messages in ${r.seconds.toFixed(1)} s = ${(r.sent / r.seconds).toFixed(1)} msg/s; reply latency p50 ${ClusterLoad.percentile(r.latencies, 50)} ms, p99 ${ClusterLoad.percentile(r.latencies, 99)} ms`

const verify = (cluster: Cluster.Cluster, r: ClusterLoad.LoadResult, sent = messages) =>
  Effect.gen(function* () {
    const v = yield* ClusterLoad.check(cluster, r, sent)
    const bad = Object.entries(v).filter(([, list]) => list.length > 0)
    if (bad.length > 0) yield* say(`  !! ${bad.map(([k, list]) => `${k}: ${list.length}`).join(", ")}`)
  })

const throughput = (nodes: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const cluster = yield* Cluster.start({ nodes })
      yield* ClusterLoad.run(cluster, { customers: 5, messages: 2, label: `warm${nodes}` })
      const r = yield* ClusterLoad.run(cluster, { customers, messages, label: `n${nodes}` })
      yield* say(summary(`${nodes} node${nodes > 1 ? "s" : ""}`, r))
      yield* verify(cluster, r)
    })
  )

const failoverAndJoin = Effect.scoped(
  Effect.gen(function* () {
    const cluster = yield* Cluster.start({ nodes: 4, startNodes: 3 })
    yield* ClusterLoad.run(cluster, { customers: 5, messages: 2, label: "warmf" })
    const victim = cluster.nodes[1]!
    const r = yield* ClusterLoad.run(cluster, {
      customers,
      messages,
      label: "kill",
      during: Effect.delay(victim.signal("SIGKILL"), "3 seconds")
    })
    yield* say(
      `${summary("SIGKILL of 1 of 3 nodes mid-load", r)}; failover gap (longest wait for a reply) ${Math.max(...r.latencies)} ms; longest silence ${r.longestSilence} ms`
    )
    yield* verify(cluster, r)
    yield* victim.start()
    // The restarted node's partitions handed back and consuming: the next gap is the NATS loss's alone.
    yield* Cluster.everyPartitionConsuming(cluster, kinds)
    const leader = yield* Cluster.streamLeader(cluster, "conv")
    const n = yield* ClusterLoad.run(cluster, {
      customers,
      messages,
      label: "natskill",
      during: Effect.gen(function* () {
        yield* Effect.sleep("2 seconds")
        yield* leader.kill("SIGKILL")
        yield* Effect.sleep("8 seconds")
        yield* leader.restart()
      })
    })
    yield* say(
      `${summary(`SIGKILL of NATS server ${leader.name} (conversation stream leader)`, n)}; NATS-kill gap (longest wait for a reply) ${Math.max(...n.latencies)} ms`
    )
    yield* verify(cluster, n)
    // The restarted NATS server caught up (full /healthz) and every partition consuming: the join's
    // gap is the hand-over's alone, not the NATS loss's tail.
    yield* Effect.forEach(cluster.nats.servers, (server) => Effect.either(server.waitHealthy("120 seconds")), {
      discard: true
    })
    yield* Cluster.everyPartitionConsuming(cluster, kinds)
    const before = yield* Cluster.ownership(cluster)
    // At least 60 messages a customer: the load must outlast the 4th node's start and its paced
    // hand-overs (20 s and more on a loaded 2-core host), or the gap says nothing about the join.
    const joinMessages = Math.max(messages, 60)
    const loadStarted = Date.now()
    let settledAt = 0
    let readyAt = 0
    const j = yield* ClusterLoad.run(cluster, {
      customers,
      messages: joinMessages,
      label: "join",
      during: Effect.gen(function* () {
        yield* Effect.sleep("2 seconds")
        yield* cluster.nodes[3]!.start()
        readyAt = Date.now() - loadStarted
        yield* Cluster.settledOn(
          cluster,
          cluster.nodes.map((n) => n.id)
        )
        settledAt = Date.now() - loadStarted
      })
    })
    // The load's own end: its last reply (the run also waits for the placement to settle).
    const loadLasted = Math.max(...j.waits.map((w) => w.sentAt + w.ms))
    const after = yield* Cluster.ownership(cluster)
    const moved = [...after].filter(([p, owner]) => before.get(p) !== owner).length
    const shares = yield* Cluster.partitionsByNode(cluster)
    yield* say(
      `${summary("4th node joins mid-load", j)}; join gap (longest wait for a reply) ${Math.max(...j.latencies)} ms; ${moved} of ${after.size} partitions moved, 4th node ready ${readyAt} ms and placement settled ${settledAt} ms into a load of ${loadLasted} ms; slowest: ${ClusterLoad.describeSlowest(j.waits)}${settledAt > loadLasted ? " (the load ended first: raise BENCH_MESSAGES)" : ""}; owners now ${[...shares].map(([node, c]) => `${node}=${c}`).join(", ")}`
    )
    yield* verify(cluster, j, joinMessages)
  })
)

const program = Effect.gen(function* () {
  yield* say(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`)
  yield* say(`closed loop: ${customers} customers × ${messages} messages, each waiting for its reply`)
  for (const n of nodeCounts) yield* throughput(n)
  yield* failoverAndJoin
})

Effect.runPromise(program.pipe(Logger.withMinimumLogLevel(LogLevel.Warning))).then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
