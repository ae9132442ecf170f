/**
 * A conversation end to end, with the node in a process of its own: customers (this process) →
 * Apple simulator (this process) → webhook of a Parley node (`main.ts`, a child process) → NATS →
 * conversation turn (virtual agent, PostgreSQL) → outbox → Apple sender → the simulator, which
 * hands every part of the answer to the customer.
 *
 *   npx tsx bench/conversation.ts                          # DATABASE_URL as for tests
 *   BENCH_CUSTOMERS=1,200 BENCH_RATE=250 BENCH_SECONDS=20 npx tsx bench/conversation.ts
 *   BENCH_CPU_PROF=/tmp/prof npx tsx bench/conversation.ts # the node writes a .cpuprofile there
 *
 * It starts its own nats-server (on free ports, JetStream in a temporary folder), so the server's
 * CPU and the node's NATS traffic are ours alone, and a fresh database. Per load level it prints:
 * **fully answered** messages per second (every part of the answer received by the simulated
 * customer), latency from the send to the answer's last part (p50, p99), CPU per message of the
 * node, of PostgreSQL (our database's backends) and of nats-server (all from `/proc`), database
 * statements and transactions per message (the node's `/metrics`) and NATS messages the node sent
 * and received per message (nats-server `/connz`). Before the load levels: the node's idle CPU.
 *
 * Options: BENCH_CUSTOMERS (closed-loop levels: each customer asks, waits for the whole answer,
 * asks again; default "1,200"), BENCH_RATE (open-loop levels in messages per second, default
 * none), BENCH_SECONDS (per level, default 20), BENCH_ASK (the question, default the opening
 * hours), BENCH_POOL (PostgreSQL pool, default 10), BENCH_IDLE_SECONDS (default 10).
 */
import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import { cpus } from "node:os"
import { Duration, Effect, Option, Redacted } from "effect"
import postgres from "postgres"
import * as AppleConfig from "../apple/AppleConfig.ts"
import { demoBusinessId } from "../db/seed/customers.ts"
import { nodeFlags } from "../node/NodeFlags.ts"
import type { SimCustomer } from "../sim/SimCustomer.ts"
import * as Simulator from "../sim/Simulator.ts"
import * as NatsServer from "../test/support/NatsServer.ts"
import { spawn } from "../test/support/Process.ts"
import { freePort } from "../test/support/ports.ts"
import { freshDatabase } from "../test/support/TestDatabase.ts"

const closedLevels = (process.env.BENCH_CUSTOMERS ?? "1,200").split(",").filter(Boolean).map(Number)
const openLevels = (process.env.BENCH_RATE ?? "").split(",").filter(Boolean).map(Number)
const levelSeconds = Number(process.env.BENCH_SECONDS ?? 20)
const idleSeconds = Number(process.env.BENCH_IDLE_SECONDS ?? 10)
const ask = process.env.BENCH_ASK ?? "hello, what are your opening hours?"
const poolSize = Number(process.env.BENCH_POOL ?? 10)
const cpuProfDir = process.env.BENCH_CPU_PROF
/** Guests without AUTH/AUTH2: no sign-in round trip, the bot answers at once. */
const capabilities = ["QUICK", "LIST", "TIME", "FORM"]
const ticksPerSecond = 100

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)

/**
 * CPU milliseconds (user + system) a process has used, from `/proc/<pid>/stat`, or one of its
 * threads (`<pid>/task/<tid>`); 0 once it is gone.
 */
const cpuMillis = (pid: number | string): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000
  } catch {
    return 0
  }
}

interface Counters {
  readonly node: number
  readonly postgres: number
  readonly nats: number
  readonly bench: number
  readonly statements: number
  readonly transactions: number
  readonly natsIn: number
  readonly natsOut: number
}

const metricValue = (text: string, name: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `))
  return line === undefined ? 0 : Number(line.split(" ")[1])
}

const main = Effect.gen(function* () {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}`)
  const nats = yield* NatsServer.single()
  const natsPid = nats.pid ?? -1
  const pgUrl = yield* freshDatabase("benchconv")
  const sql = postgres(pgUrl, { max: 1, onnotice: () => {} })
  yield* Effect.addFinalizer(() => Effect.promise(() => sql.end()))
  const identity = yield* AppleConfig.demo()
  const port = yield* freePort
  const nodeUrl = `http://127.0.0.1:${port}`
  let retriedDeliveries = 0
  const sim = yield* Simulator.make({
    mspId: identity.mspId,
    secret: Redacted.value(identity.secret),
    businessIds: [demoBusinessId],
    // As Apple does: a 503 (or no answer) is retried with the same request.
    mspFetch: async (request) => {
      const body = await request.arrayBuffer()
      while (true) {
        const answer = await fetch(`${nodeUrl}/message`, { method: "POST", headers: request.headers, body }).catch(
          () => undefined
        )
        if (answer !== undefined && answer.status !== 503) return answer
        retriedDeliveries++
        await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800))
      }
    }
  })
  const node = yield* spawn({
    name: "parley",
    command: process.execPath,
    args: [
      ...nodeFlags,
      ...(cpuProfDir === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${cpuProfDir}`]),
      "--import",
      "tsx",
      "main.ts"
    ],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      NATS_URL: nats.clientUrl,
      DATABASE_URL: pgUrl,
      DB_POOL_SIZE: String(poolSize),
      NODE_ID: "bench",
      SUBJECT_PREFIX: "bench",
      STREAM_MAX_MSGS: "2000000",
      APPLE_MSP_ID: identity.mspId,
      APPLE_MSP_SECRET: Redacted.value(identity.secret),
      APPLE_BUSINESS_ID: demoBusinessId,
      APPLE_API_BASE: sim.url,
      LOG_LEVEL: "warn",
      SESSION_SECRET: randomBytes(32).toString("base64url")
    },
    grace: "20 seconds",
    ...(process.env.BENCH_NODE_LOG === "1" ? { onOutput: (chunk: string) => process.stderr.write(chunk) } : {})
  })
  // Stopped before the servers it uses; SIGTERM lets `--cpu-prof` write its profile.
  yield* Effect.addFinalizer(() => Effect.asVoid(node.stop("20 seconds")))
  const deadline = Date.now() + 60_000
  while (
    (yield* Effect.promise(() =>
      fetch(`${nodeUrl}/readyz`).then(
        (r) => r.status,
        () => 0
      )
    )) !== 200
  ) {
    if (Date.now() > deadline || node.exitStatus() !== undefined) return yield* Effect.die(node.output())
    yield* Effect.sleep("200 millis")
  }

  const backends = async () =>
    (
      await sql<Array<{ pid: number }>>`
        select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`
    ).map((r) => r.pid)
  const counters = Effect.promise(async (): Promise<Counters> => {
    const metrics = await (await fetch(`${nodeUrl}/metrics`)).text()
    const connz = (await (await fetch(`${nats.monitorUrl}/connz?limit=1024`)).json()) as {
      readonly connections?: ReadonlyArray<{ name?: string; in_msgs: number; out_msgs: number }>
    }
    const ours = (connz.connections ?? []).filter((c) => c.name?.startsWith("parley-") === true)
    const bench = process.cpuUsage()
    return {
      node: cpuMillis(node.pid),
      postgres: (await backends()).reduce((sum, pid) => sum + cpuMillis(pid), 0),
      nats: cpuMillis(natsPid),
      bench: (bench.user + bench.system) / 1000,
      statements: metricValue(metrics, "parley_db_statements_total"),
      transactions: metricValue(metrics, "parley_db_transactions_total"),
      natsIn: ours.reduce((sum, c) => sum + c.in_msgs, 0),
      natsOut: ours.reduce((sum, c) => sum + c.out_msgs, 0)
    }
  })

  /** Asks once and waits for `parts` messages; the latency to the last one, in milliseconds. */
  const askOnce = (customer: SimCustomer, parts: number) =>
    Effect.gen(function* () {
      const started = performance.now()
      yield* Effect.orDie(customer.send({ type: "text", body: ask }))
      for (let i = 0; i < parts; i++) yield* customer.next()
      return performance.now() - started
    })

  // How many parts an answer has (the first and the later ones of a conversation), learnt by
  // waiting until nothing more arrives.
  const learn = Effect.gen(function* () {
    const customer = sim.customers.add({ capabilities })
    const counts: Array<number> = []
    for (let round = 0; round < 2; round++) {
      yield* Effect.orDie(customer.send({ type: "text", body: ask }))
      yield* customer.next()
      let parts = 1
      while (
        Option.isSome(
          yield* Effect.timeoutTo(customer.next(), {
            duration: "3 seconds",
            onSuccess: Option.some,
            onTimeout: Option.none
          })
        )
      )
        parts++
      counts.push(parts)
    }
    return { first: counts[0] ?? 1, later: counts[1] ?? 1 }
  })
  const parts = yield* learn
  console.log(`${JSON.stringify(ask)}: the first answer has ${parts.first} parts, later ones ${parts.later}`)
  const partsOf = (round: number) => (round === 0 ? parts.first : parts.later)

  // Warm up: every customer the levels use asks once (its conversation starts), statements, JIT.
  const maxCustomers = Math.max(1, ...closedLevels, ...openLevels.map((rate) => rate * 2))
  const crowd = Array.from({ length: maxCustomers }, () => ({
    customer: sim.customers.add({ capabilities }),
    round: 0
  }))
  yield* Effect.forEach(crowd, (c) => Effect.map(askOnce(c.customer, parts.first), () => c.round++), {
    concurrency: 50,
    discard: true
  })
  yield* Effect.sleep("2 seconds")
  const idleCounters = yield* counters
  const idleFrom = cpuMillis(node.pid)
  const mainFrom = cpuMillis(`${node.pid}/task/${node.pid}`)
  yield* Effect.sleep(Duration.seconds(idleSeconds))
  const idle = (cpuMillis(node.pid) - idleFrom) / idleSeconds
  const idleMain = (cpuMillis(`${node.pid}/task/${node.pid}`) - mainFrom) / idleSeconds
  const idleAfter = yield* counters
  const perSecond = (x: number) => (x / idleSeconds).toFixed(1)
  console.log(
    `idle: the node uses ${idle.toFixed(1)} ms CPU per second (over ${idleSeconds} s), ` +
      `${idleMain.toFixed(1)} of it on the main thread; per second ` +
      `${perSecond(idleAfter.statements - idleCounters.statements)} statements, ` +
      `NATS ${perSecond(idleAfter.natsIn - idleCounters.natsIn)} sent + ` +
      `${perSecond(idleAfter.natsOut - idleCounters.natsOut)} received by the node`
  )

  const report = (
    label: string,
    answered: number,
    seconds: number,
    latencies: Array<number>,
    a: Counters,
    b: Counters
  ) => {
    const sorted = [...latencies].sort((x, y) => x - y)
    const per = (x: number) => (x / Math.max(1, answered)).toFixed(2)
    console.log(
      `${label}: ${answered} fully answered in ${seconds.toFixed(1)} s = ${(answered / seconds).toFixed(1)} msgs/s; ` +
        `last part p50 ${percentile(sorted, 50).toFixed(0)} ms, p99 ${percentile(sorted, 99).toFixed(0)} ms`
    )
    console.log(
      `    CPU ms per message: node ${per(b.node - a.node)}, PostgreSQL ${per(b.postgres - a.postgres)}, ` +
        `nats-server ${per(b.nats - a.nats)} (customers + simulator ${per(b.bench - a.bench)}); ` +
        `per message: ${per(b.statements - a.statements)} statements, ${per(b.transactions - a.transactions)} transactions, ` +
        `NATS ${per(b.natsIn - a.natsIn)} sent + ${per(b.natsOut - a.natsOut)} received by the node; ` +
        `${retriedDeliveries} webhook retries so far`
    )
  }

  for (const customers of closedLevels) {
    const people = crowd.slice(0, customers)
    const latencies: Array<number> = []
    const before = yield* counters
    const started = performance.now()
    const until = Date.now() + levelSeconds * 1000
    yield* Effect.forEach(
      people,
      (c) =>
        Effect.gen(function* () {
          while (Date.now() < until) {
            latencies.push(yield* askOnce(c.customer, partsOf(c.round)))
            c.round++
          }
        }),
      { concurrency: "unbounded", discard: true }
    )
    const seconds = (performance.now() - started) / 1000
    report(
      `${String(customers).padStart(5)} customers, closed loop`,
      latencies.length,
      seconds,
      latencies,
      before,
      yield* counters
    )
  }

  for (const rate of openLevels) {
    // A pool of customers, each asking at most once at a time; a new ask every 1/rate s.
    const pool = crowd.slice(0, rate * 2).map((c) => ({ ...c, busy: false }))
    const latencies: Array<number> = []
    let skipped = 0
    const before = yield* counters
    const started = performance.now()
    const total = Math.round(rate * levelSeconds)
    const fibers = []
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / rate
      const wait = due - performance.now()
      if (wait > 1) yield* Effect.sleep(Duration.millis(wait))
      const free = pool.find((p) => !p.busy)
      if (free === undefined) {
        skipped++
        continue
      }
      free.busy = true
      fibers.push(
        yield* Effect.fork(
          Effect.map(askOnce(free.customer, partsOf(free.round)), (ms) => {
            latencies.push(ms)
            free.round++
            free.busy = false
          })
        )
      )
    }
    for (const fiber of fibers) yield* fiber.await
    const seconds = (performance.now() - started) / 1000
    report(
      `${String(rate).padStart(5)} msgs/s offered, open loop`,
      latencies.length,
      seconds,
      latencies,
      before,
      yield* counters
    )
    if (skipped > 0) console.log(`    ${skipped} asks not offered: every customer of the pool was still waiting`)
  }
  console.log(`simulator violations: ${sim.violations().length}`)
})

Effect.runPromise(Effect.scoped(main)).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
