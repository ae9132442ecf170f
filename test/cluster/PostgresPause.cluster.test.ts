import { assert, layer } from "@effect/vitest"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Context, Data, Effect, Fiber, Layer, Schedule } from "effect"
import postgres from "postgres"
import { kinds } from "../../actors/Kinds.ts"
import type { SimCustomer } from "../../sim/SimCustomer.ts"
import * as Cluster from "../support/Cluster.ts"
import * as ClusterLoad from "../support/ClusterLoad.ts"
import * as PostgresServer from "../support/PostgresServer.ts"

/**
 * PostgreSQL paused (SIGSTOP of the postmaster and every backend) for 10 s under load, on a
 * 3-node cluster with a PostgreSQL server of its own (docs/cluster.md, "Failures, as tested"):
 * turns hang on the database, mailboxes fill and pulls stop while the edge keeps accepting into
 * the streams; after the resume everything accepted is processed once, in order, and every bot
 * reply reaches Apple once.
 *
 * The streams are bounded low enough that the pause reaches the bound: the actor streams' high-water
 * mark is 20 messages (`STREAM_HIGH_WATER` 0.02 of `STREAM_MAX_MSGS` 1,000), so the webhook answers
 * 503 during the pause (Apple, here the simulator, retries) and nothing accepted is lost. The
 * server's own bound stays out of reach: a clustered nats-server 2.9 that reached it acknowledged
 * messages it then lost (this scenario lost work in 9 of 16 runs with `STREAM_MAX_MSGS` 20 alone).
 */

interface Setup {
  readonly cluster: Cluster.Cluster
  readonly postgres: PostgresServer.PostgresServer
}

class SetupTag extends Context.Tag("test/cluster/PostgresPause")<SetupTag, Setup>() {}

/** Not every partition of every kind had a consumer with a pull waiting on it in time. */
class PartitionsNotConsuming extends Data.TaggedError("PartitionsNotConsuming")<{ readonly message: string }> {}

const MESSAGES = 12
const CUSTOMERS = 16
/** Customers writing for the first time during the pause: their messages must be accepted and answered after it. */
const BURST = 24
/**
 * Customers writing 2 s into the pause, when the first burst alone holds the conversation stream
 * past its mark of 20 and every node's reading of it (at most 200 ms old) says so: they are refused
 * until the resume. The first burst alone did not always get a 503: each node adds what it admitted
 * itself to a reading taken before the burst, so 24 spread over three nodes could all be admitted,
 * and the closed-loop load sends nothing more while its replies wait.
 */
const LATE = 6
const PAUSE_AFTER = "2 seconds"
const PAUSE_MILLIS = 10_000

const clean = { lost: [], duplicated: [], outOfOrder: [], repliesNotOnce: [] }

const setup = Effect.gen(function* () {
  // Started first, so it is stopped last: the nodes leave before their database does.
  const server = yield* PostgresServer.start()
  const cluster = yield* Cluster.start({
    nodes: 3,
    databaseUrl: server.url,
    // Audited turns tell, for a reply Apple never got, whether its sender turn ran at all.
    env: { RUNTIME_AUDIT: "true", STREAM_MAX_MSGS: "1000", STREAM_HIGH_WATER: "0.02" }
  })
  return { cluster, postgres: server }
})

/**
 * Partitions of the actor streams that no consumer pulls from (none with a pull waiting), each with
 * the consumers the stream lists on its filter: a partition nobody reads is what stalls a scenario.
 */
const idlePartitions = (cluster: Cluster.Cluster) =>
  Effect.tryPromise({
    try: async () => {
      const nc = await connect({ servers: [...cluster.nats.clientUrls], timeout: 5_000 })
      try {
        const jsm = await jetstreamManager(nc, { timeout: 5_000 })
        const streams = await jsm.streams.names().next()
        const idle: Array<string> = []
        const busy: Array<string> = []
        for (const kind of kinds) {
          const stream = streams.find((s) => s.endsWith(`_${kind.name.toUpperCase()}`))
          if (stream === undefined) {
            idle.push(`${kind.name}: no stream`)
            continue
          }
          const byFilter = new Map<string, Array<string>>()
          const pulling = new Set<string>()
          for await (const c of jsm.consumers.list(stream)) {
            const filter = c.config.filter_subject ?? ""
            byFilter.set(filter, [
              ...(byFilter.get(filter) ?? []),
              `${c.name} (waiting ${c.num_waiting}, pending ${c.num_pending}, unacked ${c.num_ack_pending})`
            ])
            if (c.num_waiting > 0) pulling.add(filter)
            if (c.num_ack_pending > 0 || c.num_redelivered > 0)
              busy.push(
                `${c.name}: pending ${c.num_pending}, unacked ${c.num_ack_pending}, redelivered ${c.num_redelivered}`
              )
          }
          for (let partition = 0; partition < kind.partitions; partition++) {
            const filter = [...byFilter.keys()].find((f) => f.endsWith(`.${kind.name}.${partition}.*.*`))
            if (filter !== undefined && pulling.has(filter)) continue
            const listed = filter === undefined ? [] : (byFilter.get(filter) ?? [])
            idle.push(`${kind.name}/${partition}: ${listed.length === 0 ? "no consumer listed" : listed.join(", ")}`)
          }
        }
        return { idle, busy }
      } finally {
        await nc.close()
      }
    },
    catch: (cause) => new PartitionsNotConsuming({ message: `consumers not listed: ${String(cause)}` })
  })

/**
 * What the database holds back: outbox rows not relayed, each session's state, and the simulated
 * customers whose transcript and received replies disagree (inbound stored, menus stored, menus
 * Apple got), which tells a message never stored from a reply never sent.
 */
const databaseState = (cluster: Cluster.Cluster) =>
  Effect.tryPromise(async () => {
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const unsent = await sql<Array<{ kind: string; n: number }>>`
        select kind, count(*)::int as n from outbox where sent_at is null group by kind`
      const sessions = await sql<Array<{ state: string | null; n: number }>>`
        select state, count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() group by state`
      const transcripts = await sql<Array<{ id: string; inbound: number; outbound: number; menus: number }>>`
        select i.opaque_id as id, count(*) filter (where m.direction = 'in')::int as inbound,
          count(*) filter (where m.direction = 'out')::int as outbound,
          count(*) filter (where m.direction = 'out' and m.kind = 'listPicker')::int as menus
        from messages m join interactions i on i.id = m.interaction_id group by i.opaque_id`
      const stored = new Map(transcripts.map((t) => [t.id, t]))
      const senderTurns = await sql<Array<{ actor: string; n: number }>>`
        select actor_id as actor, count(*)::int as n from processed_turns
        where kind like '%apple_out%' group by actor_id`
      const disagreeing = cluster.sim.customers
        .all()
        .map((c) => ({
          id: c.id,
          inbound: stored.get(c.id)?.inbound ?? 0,
          menus: stored.get(c.id)?.menus ?? 0,
          outbound: stored.get(c.id)?.outbound ?? 0,
          senderTurns: senderTurns.filter((t) => t.actor.endsWith(c.id)).reduce((n, t) => n + t.n, 0),
          received: c.received.filter((r) => r.message.type === "interactive").length
        }))
        .filter((c) => c.inbound !== c.menus || c.menus !== c.received)
      return `unsent outbox rows ${JSON.stringify(unsent)}; sessions ${JSON.stringify(sessions)}; customers whose transcript and replies disagree ${JSON.stringify(disagreeing.slice(0, 10))}`
    } finally {
      await sql.end()
    }
  })

/** Each node's skipped (already applied) and dead-lettered messages, from its `/metrics`. */
const skippedAndDeadLettered = (cluster: Cluster.Cluster) =>
  Effect.tryPromise(async () => {
    const lines = await Promise.all(
      cluster.nodes.map(async (n) => {
        const text = await (await fetch(`${n.url}/metrics`)).text()
        const counts = text.split("\n").filter((l) => /^parley_actor_(duplicates|dead_letters)_total/.test(l))
        return `${n.id}: ${counts.join(", ") || "none"}`
      })
    )
    return lines.join("; ")
  })

/** For a failing run: which partitions nobody reads, which consumers hold work, and what the database holds back. */
const reportStall = (cluster: Cluster.Cluster) =>
  Effect.all([idlePartitions(cluster), databaseState(cluster), skippedAndDeadLettered(cluster)]).pipe(
    Effect.flatMap(([{ idle, busy }, database, metrics]) =>
      Effect.logError(
        `partitions nobody reads: ${idle.join("; ") || "none"}; consumers with work: ${busy.join("; ") || "none"}; ${database}; skipped and dead-lettered: ${metrics}`
      )
    ),
    Effect.ignore
  )

/**
 * Waits until every partition of every kind has a consumer with a pull waiting on it: a pause
 * while the nodes still divide the partitions at start-up would test the start-up, not the pause.
 */
const allConsuming = (cluster: Cluster.Cluster) =>
  idlePartitions(cluster).pipe(
    Effect.flatMap(({ idle }) =>
      idle.length === 0 ? Effect.void : Effect.fail(new PartitionsNotConsuming({ message: idle.join("; ") }))
    ),
    Effect.retry({ schedule: Schedule.spaced("1 second"), times: 90 })
  )

/** Each burst customer sends "menu 1" (the delivery retries a 503 until accepted) and waits for its menu. */
const burst = (customers: ReadonlyArray<SimCustomer>) =>
  Effect.forEach(
    customers,
    (customer) =>
      Effect.zipRight(
        customer.send({ type: "text", body: "menu 1" }),
        customer.next((r) => r.message.type === "interactive").pipe(Effect.timeout("120 seconds"))
      ),
    { concurrency: "unbounded", discard: true }
  )

// As the Failover file: the readiness wait alone may take 180 s on a loaded 2-core host.
layer(Layer.scoped(SetupTag, setup), { timeout: 360_000, excludeTestServices: true })(
  "a 3-node cluster on a PostgreSQL of its own",
  (it) => {
    it.scoped(
      "PostgreSQL paused for 10 s: the edge keeps accepting, and after the resume everything is processed once",
      () =>
        Effect.flatMap(SetupTag, ({ cluster, postgres }) =>
          Cluster.withNodeLogsOnFailure(
            cluster,
            Effect.gen(function* () {
              yield* allConsuming(cluster)
              const burstCustomers = Array.from({ length: BURST }, (_, i) =>
                cluster.sim.customers.add({
                  id: `urn:mbid:AQAAY-burst-${i}-${crypto.randomUUID().slice(0, 8)}`,
                  capabilities: ["QUICK", "LIST", "TIME", "FORM"]
                })
              )
              const lateCustomers = Array.from({ length: LATE }, (_, i) =>
                cluster.sim.customers.add({
                  id: `urn:mbid:AQAAY-late-${i}-${crypto.randomUUID().slice(0, 8)}`,
                  capabilities: ["QUICK", "LIST", "TIME", "FORM"]
                })
              )
              const before = cluster.retries()
              let refusedWhilePaused = 0
              let resumedAt = 0
              const during = Effect.gen(function* () {
                yield* Effect.sleep(PAUSE_AFTER)
                yield* postgres.pause
                const pausedAt = Date.now()
                // The burst goes on after the resume: every customer in it must be answered.
                const sending = yield* Effect.fork(burst(burstCustomers))
                yield* Effect.sleep("2 seconds")
                const late = yield* Effect.fork(burst(lateCustomers))
                yield* Effect.sleep(PAUSE_MILLIS - (Date.now() - pausedAt))
                refusedWhilePaused = cluster.retries() - before
                yield* postgres.resume
                resumedAt = Date.now()
                yield* Fiber.join(sending)
                yield* Fiber.join(late)
              })
              const result = yield* ClusterLoad.run(cluster, {
                customers: CUSTOMERS,
                messages: MESSAGES,
                label: "pgpause",
                during
              })
              const drained = (Date.now() - resumedAt) / 1000
              const refused = cluster.retries() - before

              assert.deepStrictEqual(yield* ClusterLoad.check(cluster, result, MESSAGES), clean)
              assert.deepStrictEqual(
                yield* ClusterLoad.check(cluster, { ...result, customers: [...burstCustomers, ...lateCustomers] }, 1),
                clean
              )
              assert.deepStrictEqual(cluster.sim.violations(), [])
              // The bound was reached: the edge refused (503) while the database was away.
              assert.isAbove(refusedWhilePaused, 0, "no webhook was refused during the pause")
              // Every node kept running and serves again.
              for (const node of cluster.nodes) {
                assert.isUndefined(node.process()?.exitStatus(), `${node.id} exited`)
                const ready = yield* Effect.promise(() => fetch(`${node.url}/readyz`).then((r) => r.status))
                assert.strictEqual(ready, 200, `${node.id} not ready`)
              }

              yield* Effect.log(
                `PostgreSQL paused ${PAUSE_MILLIS / 1000} s: ${result.sent + BURST + LATE} messages (${result.sent} load + ${BURST} burst + ${LATE} late) in ${result.seconds.toFixed(1)} s; ${refusedWhilePaused} webhook 503s while paused, ${refused} in all; longest silence ${result.longestSilence} ms; everything answered ${drained.toFixed(1)} s after the resume; p99 ${ClusterLoad.percentile(result.latencies, 99)} ms`
              )
            }).pipe(Effect.tapErrorCause(() => reportStall(cluster)))
          )
        ),
      300_000
    )
  }
)
