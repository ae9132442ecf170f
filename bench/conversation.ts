/**
 * A conversation end to end: the customer's webhook → edge → NATS → conversation turn (virtual
 * agent, PostgreSQL) → outbox → Apple sender → the simulated Apple gateway, which hands the reply
 * to the customer. For 1, 100 and 10,000 concurrent customers (each sends, waits for the bot's
 * answer, sends again): replies per second, latency from the customer's send to the first reply
 * received (p50, p99), and database rows written per customer message (`pg_stat_user_tables`).
 *
 *   npx tsx bench/conversation.ts                      # NATS_URL, DATABASE_URL as for tests
 *   BENCH_CUSTOMERS=1,100 BENCH_SECONDS=10 npx tsx bench/conversation.ts
 *
 * Optional: BENCH_SECONDS (how long each customer keeps talking, default 15; everyone sends at
 * least once), BENCH_MAX_SECONDS (hard limit per phase, default 300), BENCH_POOL (PostgreSQL pool,
 * default 10 as in production), BENCH_HTTP (webhook requests in flight, default 256).
 * One process: node, simulator and customers share the event loop, as in the end-to-end tests.
 */
import { cpus } from "node:os"
import { Effect, Layer, Logger, LogLevel, Option, Queue, Redacted } from "effect"
import postgres from "postgres"
import * as IdentityProvider from "../actors/conversation/IdentityProvider.ts"
import * as AppleConfig from "../apple/AppleConfig.ts"
import * as PostgresDb from "../db/PostgresDb.ts"
import { demoBusinessId } from "../db/seed/customers.ts"
import * as AuthConfig from "../http/auth/AuthConfig.ts"
import * as HttpConfig from "../http/HttpConfig.ts"
import { demoIdentityProvider } from "../node/Demo.ts"
import * as Node from "../node/Node.ts"
import { ActorSystem } from "../runtime/ActorSystem.ts"
import * as NatsBus from "../runtime/NatsBus.ts"
import * as RuntimeConfig from "../runtime/RuntimeConfig.ts"
import type { Received, SimCustomer } from "../sim/SimCustomer.ts"
import * as Simulator from "../sim/Simulator.ts"
import { removeOnClose } from "../test/support/NatsCleanup.ts"
import { freePort } from "../test/support/ports.ts"
import { freshDatabase } from "../test/support/TestDatabase.ts"

const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222"
const phases = (process.env.BENCH_CUSTOMERS ?? "1,100,10000").split(",").map(Number)
const talkSeconds = Number(process.env.BENCH_SECONDS ?? 15)
const maxSeconds = Number(process.env.BENCH_MAX_SECONDS ?? 300)
const poolSize = Number(process.env.BENCH_POOL ?? 10)
const httpInFlight = Number(process.env.BENCH_HTTP ?? 256)
let retriedDeliveries = 0
const prefix = `bconv${Math.random().toString(16).slice(2, 10)}`

/** Guests without AUTH/AUTH2: no sign-in round trip, the bot answers at once. */
const capabilities = ["QUICK", "LIST", "TIME", "FORM"]
/** Alternating asks that each end in a list picker (catalog items, then the menu): one DB read, 1–2 replies. */
const script = ["I'd like to order something from the catalog", "menu"]

const isListPicker = (r: Received) => r.message.type === "interactive" && r.interactive?.data?.listPicker !== undefined

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)

const startNode = (pgUrl: string) =>
  Effect.gen(function* () {
    yield* removeOnClose(prefix)
    const identity = yield* AppleConfig.demo()
    const port = yield* freePort
    let nodeUrl: Option.Option<string> = Option.none()
    const idp = yield* demoIdentityProvider
    const sim = yield* Simulator.make({
      identityProvider: idp.registered,
      mspId: identity.mspId,
      secret: Redacted.value(identity.secret),
      businessIds: [demoBusinessId],
      // As Apple does: a 503 (or no answer) is retried with the same request, so the same message
      // id, which the edge de-duplicates; a new id per retry would multiply the work it sheds.
      mspFetch: async (request) => {
        const body = await request.arrayBuffer()
        while (true) {
          const url = Option.getOrUndefined(nodeUrl)
          const answer =
            url === undefined
              ? undefined
              : await fetch(`${url}/message`, { method: "POST", headers: request.headers, body }).catch(() => undefined)
          if (answer !== undefined && answer.status !== 503) return answer
          retriedDeliveries++
          await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800))
        }
      }
    })
    const infra = Layer.mergeAll(
      NatsBus.layer({ servers: [natsUrl], name: "bench-conversation" }),
      PostgresDb.layer(Redacted.make(pgUrl), poolSize),
      RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "bench" }),
      HttpConfig.layer({ port, host: "127.0.0.1", publicUrl: `http://127.0.0.1:${port}` }),
      AuthConfig.layer(),
      AppleConfig.layer({ ...identity, businessIds: [demoBusinessId], apiBase: sim.url }),
      IdentityProvider.layer(Option.some(idp.provider))
    )
    const node = Node.layer({
      seed: true,
      runtime: { streamMaxBytes: 256 * 1024 * 1024, streamMaxMsgs: 2_000_000 },
      onListening: (listening) =>
        Effect.sync(() => {
          nodeUrl = Option.some(listening.url)
        })
    }).pipe(Layer.provideMerge(infra))
    const context = yield* Layer.build(node)
    return { sim, system: yield* Effect.provide(ActorSystem, context) }
  })

/** Sum of rows inserted, updated and deleted per table, once the servers' counters have settled. */
const rowsWritten = (sql: postgres.Sql) =>
  Effect.promise(async () => {
    const read = async () => {
      await sql`select pg_stat_clear_snapshot()`
      const rows = await sql<Array<{ relname: string; n: string }>>`
        select relname, (n_tup_ins + n_tup_upd + n_tup_del)::text as n from pg_stat_user_tables`
      return new Map(rows.map((r) => [r.relname, Number(r.n)]))
    }
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0)
    // Backends publish their counters when idle, at most once a second (up to 10 s later when busy).
    let last = await read()
    for (let i = 0; i < 12; i++) {
      await new Promise((r) => setTimeout(r, 1_100))
      const now = await read()
      if (total(now) === total(last)) return now
      last = now
    }
    return last
  })

const phase = (sim: Simulator.Simulator, sql: postgres.Sql, customers: number) =>
  Effect.gen(function* () {
    const before = yield* rowsWritten(sql)
    const cpu = process.cpuUsage()
    const loop = performance.eventLoopUtilization()
    const latencies: Array<number> = []
    let sent = 0
    let replies = 0
    let finished = 0
    // Tokens in a queue rather than a Semaphore: its waiters are all woken on every release, which
    // with 10,000 customers waiting spends the bench's time in garbage collection, not in Parley.
    const permits = yield* Queue.bounded<void>(httpInFlight)
    yield* Queue.offerAll(
      permits,
      Array.from({ length: httpInFlight }, () => undefined)
    )
    const retriedBefore = retriedDeliveries
    const send = (customer: SimCustomer, body: string): Effect.Effect<void> =>
      Effect.acquireUseRelease(
        Queue.take(permits),
        () => customer.send({ type: "text", body }),
        () => Queue.offer(permits, undefined)
      ).pipe(Effect.asVoid, Effect.orDie)
    const talk = (customer: SimCustomer, until: number) =>
      Effect.gen(function* () {
        for (let round = 0; round === 0 || Date.now() < until; round++) {
          const started = performance.now()
          yield* send(customer, script[round % script.length] ?? "menu")
          sent++
          let reply = yield* customer.next()
          latencies.push(performance.now() - started)
          replies++
          while (!isListPicker(reply)) {
            reply = yield* customer.next()
            replies++
          }
        }
        finished++
      })
    const people = Array.from({ length: customers }, () => sim.customers.add({ capabilities }))
    const started = performance.now()
    const progress = Effect.gen(function* () {
      while (true) {
        yield* Effect.sleep("3 seconds")
        const s = ((performance.now() - started) / 1000).toFixed(0)
        console.log(`  … ${s} s: ${finished}/${customers} customers done, ${sent} sent, ${replies} replies`)
      }
    })
    const until = Date.now() + talkSeconds * 1000
    const outcome = yield* Effect.forEach(people, (c) => talk(c, until), {
      concurrency: "unbounded",
      discard: true
    }).pipe(
      Effect.raceFirst(Effect.as(progress, "never")),
      Effect.timeoutTo({ duration: `${maxSeconds} seconds`, onSuccess: () => "done", onTimeout: () => "timed out" })
    )
    const seconds = (performance.now() - started) / 1000
    const used = process.cpuUsage(cpu)
    const busy = performance.eventLoopUtilization(loop).utilization
    const after = yield* rowsWritten(sql)
    const delta = [...after]
      .map(([table, n]) => [table, n - (before.get(table) ?? 0)] as const)
      .filter(([, n]) => n > 0)
    const rows = delta.reduce((a, [, n]) => a + n, 0)
    const sorted = [...latencies].sort((a, b) => a - b)
    const top = [...delta]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([t, n]) => `${t} ${(n / Math.max(1, sent)).toFixed(1)}`)
    console.log(
      `${String(customers).padStart(6)} customers: ${sent} messages in ${seconds.toFixed(1)} s${outcome === "done" ? "" : ` (${outcome}: ${finished} of ${customers} finished)`}; ` +
        `${(replies / seconds).toFixed(0)} replies/s (${(sent / seconds).toFixed(0)} answered messages/s); ` +
        `first reply p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms; ` +
        `${(rows / Math.max(1, sent)).toFixed(1)} rows written per message (${top.join(", ")})` +
        `; ${retriedDeliveries - retriedBefore} webhook retries (503)`
    )
    console.log(
      `         this process: ${((used.user + used.system) / 1000 / Math.max(1, sent)).toFixed(1)} ms CPU per message, ` +
        `event loop ${(busy * 100).toFixed(0)}% busy`
    )
  })

const main = Effect.gen(function* () {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}; NATS ${natsUrl}`)
  console.log(
    `each customer alternates ${JSON.stringify(script)} for ${talkSeconds} s (at least once); PostgreSQL pool ${poolSize}`
  )
  const pgUrl = yield* freshDatabase("benchconv")
  const sql = postgres(pgUrl, { max: 1, onnotice: () => {} })
  yield* Effect.addFinalizer(() => Effect.promise(() => sql.end()))
  const { sim, system } = yield* startNode(pgUrl)
  // The node takes its partitions after it listens; measuring before that would time the take-over.
  const deadline = Date.now() + 60_000
  let owned = 0
  while (Date.now() < deadline) {
    const now = (yield* system.owned).length
    if (now === owned && now > 0) break
    owned = now
    yield* Effect.sleep("1 second")
  }
  console.log(`node ready: ${owned} partitions owned; warming up`)
  yield* Effect.forEach(
    Array.from({ length: 200 }, () => sim.customers.add({ capabilities })),
    (c) => Effect.zipRight(c.send({ type: "text", body: "menu" }), c.next(isListPicker)),
    { concurrency: 50, discard: true }
  ).pipe(Effect.orDie)
  // What the node costs doing nothing: partition timers, outbox sweeps and lease renewals.
  const idleCpu = process.cpuUsage()
  yield* Effect.sleep("5 seconds")
  const idle = process.cpuUsage(idleCpu)
  console.log(`idle: ${(((idle.user + idle.system) / 1000 / 5_000) * 100).toFixed(0)}% of one core`)
  for (const customers of phases) yield* phase(sim, sql, customers)
  const violations = sim.violations()
  console.log(`simulator violations: ${violations.length}`)
})

Effect.runPromise(
  main.pipe(Effect.scoped, Logger.withMinimumLogLevel(process.env.BENCH_LOG === "1" ? LogLevel.Info : LogLevel.Error))
).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
