/**
 * Runtime throughput: durable tell → turn (one trivial PostgreSQL write) → ack, on NATS, for 1,
 * 10, 1,000 and 100,000 actors, against the raw JetStream publish + consume + ack loop (the
 * ceiling) measured in the same run; first, heap and RSS per 10,000 live actors.
 *
 *   node --expose-gc --import tsx bench/runtime.ts          # NATS_URL, DATABASE_URL as for tests
 *   BENCH_MESSAGES=5000 BENCH_ACTORS=1,10,1000 node --import tsx bench/runtime.ts
 *   BENCH_ACTORS=1:2000,10:5000,100000:100000 BENCH_LIVE=20000 MAX_LIVE_ACTORS=20000 npm run bench
 *
 * BENCH_ACTORS lists the scenarios, each `actors` or `actors:messages` (default messages:
 * BENCH_MESSAGES, at least one per actor); BENCH_LIVE is how many actors the memory figure keeps
 * live (0 skips it); MAX_LIVE_ACTORS is the node's cap on live actors as in production.
 */
import { randomBytes } from "node:crypto"
import { cpus } from "node:os"
import { sql } from "drizzle-orm"
import { Effect, Layer, Logger, LogLevel, Metric, Redacted, Schema } from "effect"
import { Db } from "../db/Db.ts"
import * as PostgresDb from "../db/PostgresDb.ts"
import * as Actor from "../runtime/Actor.ts"
import { ActorSystem, layer as systemLayer } from "../runtime/ActorSystem.ts"
import { Bus } from "../runtime/Bus.ts"
import { erase } from "../runtime/ErasedKind.ts"
import * as M from "../runtime/Metrics.ts"
import * as NatsBus from "../runtime/NatsBus.ts"
import * as RuntimeConfig from "../runtime/RuntimeConfig.ts"
import { removeOnClose } from "../test/support/NatsCleanup.ts"
import { freshDatabase } from "../test/support/TestDatabase.ts"

const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222"
const messages = Number(process.env.BENCH_MESSAGES ?? 20_000)
const scenarios = (process.env.BENCH_ACTORS ?? "1,10,1000,100000").split(",").map((entry) => {
  const [actors = "1", count] = entry.split(":")
  return { actors: Number(actors), messages: Math.max(Number(count ?? messages), Number(actors)) }
})
const liveActors = Number(process.env.BENCH_LIVE ?? 20_000)
const maxLiveActors = Number(process.env.MAX_LIVE_ACTORS ?? RuntimeConfig.defaults.maxLiveActors)
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.()
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`
const inFlight = 256
const uniquePrefix = (label: string) => `${label}${randomBytes(4).toString("hex")}`

const Ping = Schema.TaggedStruct("Ping", { n: Schema.Number })
const makeKind = (name: string) => {
  const protocol = Actor.protocol({ name, partitions: 16, message: Ping })
  return {
    protocol,
    erased: erase(
      Actor.make(protocol, {
        activate: (id) => Effect.succeed({ id, count: 0 }),
        turn: (state, message) =>
          Effect.flatMap(Db, (db) =>
            db.use("bench.write", (d) =>
              d.execute(sql`insert into probes (key, value) values (${state.id}, ${message.n})
                on conflict (key) do update set value = excluded.value, updated_at = now()`)
            )
          ).pipe(Effect.as({ ...state, count: state.count + 1 })),
        options: { idleTimeout: "10 minutes", mailboxCapacity: 64 }
      })
    )
  }
}

const waitForCount = (kind: string, target: number) =>
  Effect.gen(function* () {
    const handled = Metric.tagged(M.messagesHandled, "kind", kind)
    while ((yield* Metric.value(handled)).count < target) yield* Effect.sleep("20 millis")
  })

const runtimeRate = (actors: number, total: number) =>
  Effect.gen(function* () {
    const prefix = uniquePrefix("bench")
    yield* removeOnClose(prefix)
    const kind = makeKind(`b${prefix}`)
    const layer = systemLayer([kind.erased], { streamMaxBytes: 512 * 1024 * 1024, streamMaxMsgs: 2_000_000 }).pipe(
      Layer.provideMerge(RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "bench", maxLiveActors }))
    )
    return yield* Effect.gen(function* () {
      const system = yield* ActorSystem
      const started = performance.now()
      yield* Effect.forEach(
        Array.from({ length: total }, (_, i) => i),
        (i) => system.tell(kind.protocol, `a${i % actors}`, Ping.make({ n: i })),
        { concurrency: inFlight, discard: true }
      )
      yield* waitForCount(kind.protocol.name, total)
      const rate = total / ((performance.now() - started) / 1000)
      const live = (yield* Metric.value(Metric.tagged(M.activeActors, "kind", kind.protocol.name))).value
      const capped = yield* Metric.value(
        Metric.tagged(M.passivations, "kind", kind.protocol.name).pipe(Metric.tagged("reason", "cap"))
      )
      collectGarbage()
      const memory = process.memoryUsage()
      return { rate, live, capped: capped.count, heap: memory.heapUsed, rss: memory.rss }
    }).pipe(Effect.provide(layer))
  }).pipe(Effect.scoped)

const rawCeiling = (total: number) =>
  Effect.gen(function* () {
    const bus = yield* Bus
    const prefix = uniquePrefix("raw")
    yield* removeOnClose(prefix)
    const stream = `${prefix}_RAW`.toUpperCase()
    yield* bus.ensureStream({
      name: stream,
      subjects: [`${prefix}.raw.*`],
      retention: "workqueue",
      replicas: 1,
      maxBytes: 512 * 1024 * 1024,
      maxMsgs: 2_000_000,
      duplicateWindow: "2 minutes"
    })
    yield* bus.ensureConsumer({
      stream,
      name: "raw",
      filterSubject: `${prefix}.raw.*`,
      ackWait: "30 seconds",
      maxAckPending: 512
    })
    const data = new TextEncoder().encode(JSON.stringify({ _tag: "Ping", n: 1 }))
    const started = performance.now()
    const publish = Effect.forEach(
      Array.from({ length: total }, (_, i) => i),
      (i) => bus.publishDurable(`${prefix}.raw.${i % 16}`, data, { msgId: `m${i}` }),
      { concurrency: inFlight, discard: true }
    )
    const { Stream } = yield* Effect.promise(() => import("effect"))
    const consume = bus.consume(stream, "raw", { batch: 256 }).pipe(
      Stream.take(total),
      Stream.mapEffect((d) => d.ack, { concurrency: 64 }),
      Stream.runDrain
    )
    yield* Effect.all([publish, consume], { concurrency: 2, discard: true })
    return total / ((performance.now() - started) / 1000)
  }).pipe(Effect.scoped)

/**
 * Heap and RSS that live idle actors hold: the growth from a warmed-up system with `live / 10`
 * actors to `live` actors, so the runtime's fixed cost (streams, partitions, connections, code) is
 * not counted per actor.
 */
const memoryPerActors = (live: number) =>
  Effect.gen(function* () {
    const prefix = uniquePrefix("mem")
    yield* removeOnClose(prefix)
    const kind = makeKind(`m${prefix}`)
    const gc = (globalThis as { gc?: () => void }).gc
    const warm = Math.floor(live / 10)
    yield* Effect.gen(function* () {
      const system = yield* ActorSystem
      const fill = (from: number, to: number) =>
        Effect.gen(function* () {
          yield* Effect.forEach(
            Array.from({ length: to - from }, (_, i) => from + i),
            (i) => system.tell(kind.protocol, `live-${i}`, Ping.make({ n: i })),
            { concurrency: inFlight, discard: true }
          )
          yield* waitForCount(kind.protocol.name, to)
          for (let i = 0; i < 3; i++) {
            gc?.()
            yield* Effect.sleep("50 millis")
          }
          return process.memoryUsage()
        })
      const before = yield* fill(0, warm)
      const after = yield* fill(warm, live)
      const gauge = (yield* Metric.value(Metric.tagged(M.activeActors, "kind", kind.protocol.name))).value
      const perTen = (bytes: number) => `${(((bytes / (live - warm)) * 10_000) / 1024 / 1024).toFixed(1)} MiB`
      console.log(
        `memory per 10,000 live actors (growth from ${warm} to ${live}; ${gauge} live): heap ${perTen(after.heapUsed - before.heapUsed)}, rss ${perTen(after.rss - before.rss)}; process at ${live}: heap ${mib(after.heapUsed)}, rss ${mib(after.rss)}${gc === undefined ? " (run with --expose-gc for steadier figures)" : ""}`
      )
    }).pipe(
      Effect.provide(
        systemLayer([kind.erased], { streamMaxBytes: 256 * 1024 * 1024 }).pipe(
          Layer.provideMerge(RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "bench", maxLiveActors: live }))
        )
      )
    )
  }).pipe(Effect.scoped)

const main = Effect.gen(function* () {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}; NATS ${natsUrl}`)
  console.log(`${inFlight} publishes in flight, 16 partitions, at most ${maxLiveActors} live actors (MAX_LIVE_ACTORS)`)
  // First, while the process is small: later runs leave freed memory that RSS still counts.
  if (liveActors > 0) yield* memoryPerActors(liveActors)
  const ceiling = yield* rawCeiling(messages)
  console.log(`raw JetStream publish + consume + ack: ${ceiling.toFixed(0)} msg/s over ${messages} messages (ceiling)`)
  for (const { actors, messages: total } of scenarios) {
    const r = yield* runtimeRate(actors, total)
    console.log(
      `${String(actors).padStart(6)} actors: ${r.rate.toFixed(0).padStart(6)} msg/s tell → turn (PostgreSQL write) → ack over ${total} messages; ${((r.rate / ceiling) * 100).toFixed(1)}% of the ceiling; ${r.live} live at the end, ${r.capped} passivated by the cap; after gc heap ${mib(r.heap)}, rss ${mib(r.rss)}`
    )
  }
})

const program = Effect.gen(function* () {
  const url = yield* freshDatabase("bench")
  yield* main.pipe(
    Effect.provide(
      Layer.mergeAll(NatsBus.layer({ servers: [natsUrl], name: "bench" }), PostgresDb.layer(Redacted.make(url), 10))
    )
  )
}).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.Warning))

Effect.runPromise(program).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
