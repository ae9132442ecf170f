/**
 * Webhook ingest rate: Apple's `POST /message` (JWT, gunzip, decode, durable publish to the
 * conversation's stream, 200) against the raw durable-publish ceiling of the same NATS server,
 * measured in one run; then ack latency at half of each measured maximum (open loop, so a slow
 * answer delays nothing behind it and is counted from when the request was due).
 *
 *   NATS_URL=nats://127.0.0.1:4222 npx tsx bench/ingest.ts
 *
 * Optional: INFLIGHT (requests or publishes in flight, default 128), PHASE_SECONDS (default 6).
 * The load generator is a child process (this file with `--load`) using keep-alive connections,
 * so its CPU is not the server's event loop; on a small host they still share cores with NATS.
 * Everything lives under its own prefix; the streams and bucket it made are deleted at the end.
 * The conversation actors are not started: this measures the edge and the store, not the turns.
 */
import { fork } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import { Agent, request } from "node:http"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { DateTime, Effect, Fiber, Layer, Logger, LogLevel, Redacted } from "effect"
import { Conversation, CustomerMessage, conversationId } from "../actors/conversation/ConversationProtocol.ts"
import * as AppleConfig from "../apple/AppleConfig.ts"
import { signInbound } from "../apple/AppleJwt.ts"
import type { InboundEnvelope } from "../apple/InboundEnvelope.ts"
import { Db } from "../db/Db.ts"
import * as ActorInbox from "../http/apple/ActorInbox.ts"
import * as AppleWebhook from "../http/apple/AppleWebhook.ts"
import { listen } from "../http/HttpServer.ts"
import { layer as actorSystem } from "../runtime/ActorSystem.ts"
import { names, partitionOf } from "../runtime/Address.ts"
import { Bus } from "../runtime/Bus.ts"
import * as NatsBus from "../runtime/NatsBus.ts"
import * as RuntimeConfig from "../runtime/RuntimeConfig.ts"
import { encodeMessage } from "../runtime/Turn.ts"

interface LoadJob {
  readonly url: string
  readonly token: string
  readonly businessId: string
  readonly customers: ReadonlyArray<string>
  readonly seconds: number
  /** Closed loop with this many requests in flight, or open loop at `rate` per second. */
  readonly inFlight?: number
  readonly rate?: number
}

interface LoadResult {
  readonly sent: number
  readonly statuses: Readonly<Record<string, number>>
  readonly seconds: number
  /** Milliseconds from when each request was due to its answer. */
  readonly latencies: ReadonlyArray<number>
}

const inFlight = Number(process.env.INFLIGHT ?? 128)
const phaseSeconds = Number(process.env.PHASE_SECONDS ?? 6)

// ---- load generator (child process) -------------------------------------------------------

const runLoad = (job: LoadJob): Promise<LoadResult> =>
  new Promise((resolve) => {
    const target = new URL(job.url)
    const agent = new Agent({ keepAlive: true, maxSockets: job.inFlight ?? 1024 })
    const statuses: Record<string, number> = {}
    const latencies: Array<number> = []
    const start = performance.now()
    const end = start + job.seconds * 1000
    let sent = 0
    let pending = 0
    let stopped = false
    const finish = () => {
      if (!stopped || pending > 0) return
      agent.destroy()
      resolve({ sent, statuses, seconds: (performance.now() - start) / 1000, latencies })
    }
    const fire = (due: number, next: () => void) => {
      const id = randomUUID()
      const customer = job.customers[sent % job.customers.length] ?? ""
      const body = gzipSync(
        JSON.stringify({ v: 1, type: "text", id, sourceId: customer, destinationId: job.businessId, body: "Hi there" })
      )
      sent++
      pending++
      const done = (status: string) => {
        latencies.push(performance.now() - due)
        statuses[status] = (statuses[status] ?? 0) + 1
        pending--
        next()
        finish()
      }
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: "/message",
          method: "POST",
          headers: {
            authorization: `Bearer ${job.token}`,
            id,
            "source-id": customer,
            "destination-id": job.businessId,
            "capability-list": "QUICK,LIST,TIME,AUTH2,FORM",
            "device-agent": "iPhone OS",
            "content-encoding": "gzip",
            "content-type": "application/octet-stream",
            "content-length": body.length
          }
        },
        (res) => {
          res.resume()
          res.on("end", () => done(String(res.statusCode)))
        }
      )
      req.on("error", (e) => done(e.name))
      req.end(body)
    }
    if (job.rate === undefined) {
      const loop = () => {
        if (performance.now() < end) fire(performance.now(), loop)
        else stopped = true
      }
      for (let i = 0; i < (job.inFlight ?? 1); i++) loop()
      return
    }
    const interval = 1000 / job.rate
    const tick = () => {
      const now = performance.now()
      while (start + sent * interval <= Math.min(now, end)) fire(start + sent * interval, () => {})
      if (now < end) setTimeout(tick, 1)
      else {
        stopped = true
        finish()
      }
    }
    tick()
  })

// ---- measurement (main process) -----------------------------------------------------------

const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

/** One child for every phase: forking a `tsx` process costs seconds on a small host. */
const loadGenerator = Effect.acquireRelease(
  Effect.sync(() => fork(fileURLToPath(import.meta.url), ["--load"], { execArgv: ["--import", "tsx"] })),
  (child) => Effect.sync(() => child.kill())
).pipe(
  Effect.map(
    (child) => (job: LoadJob) =>
      Effect.async<LoadResult>((resume) => {
        child.once("message", (result) => resume(Effect.succeed(result as LoadResult)))
        child.send(job)
      })
  )
)

const rate = (count: number, seconds: number) => count / seconds
const spread = (values: ReadonlyArray<number>) =>
  `p50 ${percentile(values, 50).toFixed(1)} ms  p99 ${percentile(values, 99).toFixed(1)} ms`

const program = Effect.gen(function* () {
  const bus = yield* Bus
  const config = yield* RuntimeConfig.RuntimeConfig
  const apple = yield* AppleConfig.AppleConfig
  const named = names(config.subjectPrefix)
  const businessId = apple.businessIds[0] ?? ""
  yield* Effect.addFinalizer(() =>
    Effect.all([
      bus.deleteStream(named.stream(Conversation.name)),
      bus.deleteStream(named.dlqStream()),
      bus.deleteKv(named.leaseBucket())
    ]).pipe(Effect.ignore)
  )
  // The stream `ActorSystem.layer` makes for the conversation kind, made here because the kind
  // itself is not started. JetStream reserves `maxBytes` up front: keep it modest.
  yield* bus.ensureStream({
    name: named.stream(Conversation.name),
    subjects: [named.streamSubjects(Conversation.name)],
    retention: "workqueue",
    replicas: config.streamReplicas,
    maxBytes: 768 * 1024 * 1024,
    maxMsgs: 5_000_000,
    duplicateWindow: "2 minutes"
  })
  const server = yield* listen(yield* AppleWebhook.make, { host: "127.0.0.1", port: 0 })
  const token = yield* signInbound(AppleConfig.secretKey(apple), apple.mspId, Math.floor(Date.now() / 1000))
  const customers = Array.from({ length: 1000 }, () => `urn:mbid:${randomBytes(24).toString("base64")}`)
  const job = { url: server.url, token, businessId, customers }
  const load = yield* loadGenerator

  // What `ActorSystem.tell` publishes for one webhook, to the same subjects, without the HTTP part.
  const id = randomUUID()
  const sample: InboundEnvelope = {
    message: { v: 1, type: "text", id, sourceId: customers[0], destinationId: businessId, body: "Hi there" },
    messageId: id,
    sourceId: customers[0] ?? "",
    destinationId: businessId,
    capabilities: ["QUICK", "LIST", "TIME", "AUTH2", "FORM"],
    deviceAgent: "iPhone OS",
    receivedAt: DateTime.unsafeNow()
  }
  const payload = new TextEncoder().encode(
    yield* encodeMessage(Conversation, CustomerMessage.make({ envelope: sample }))
  )
  const subjects = customers.map((c) => {
    const id = conversationId(businessId, c)
    return named.actorSubject(Conversation.name, partitionOf(id, Conversation.partitions), id, "in")
  })
  let next = 0
  const publishOne = Effect.suspend(() =>
    bus.publishDurable(subjects[next++ % subjects.length] ?? "", payload, { msgId: randomUUID() })
  )

  const publishMax = (seconds: number) =>
    Effect.gen(function* () {
      const started = performance.now()
      const end = started + seconds * 1000
      let count = 0
      const worker = Effect.whileLoop({
        while: () => performance.now() < end,
        body: () => publishOne,
        step: () => {
          count++
        }
      })
      yield* Effect.all(
        Array.from({ length: inFlight }, () => worker),
        { concurrency: "unbounded" }
      )
      return rate(count, (performance.now() - started) / 1000)
    })

  const publishAt = (perSecond: number, seconds: number) =>
    Effect.gen(function* () {
      const latencies: Array<number> = []
      const fibers: Array<Fiber.RuntimeFiber<unknown, unknown>> = []
      const start = performance.now()
      const interval = 1000 / perSecond
      for (let i = 0; start + i * interval < start + seconds * 1000; ) {
        const now = performance.now()
        for (; start + i * interval <= now; i++) {
          const due = start + i * interval
          fibers.push(yield* Effect.fork(Effect.tap(publishOne, () => latencies.push(performance.now() - due))))
        }
        yield* Effect.sleep("1 millis")
      }
      yield* Fiber.joinAll(fibers)
      return latencies
    })

  const ready = performance.now()
  yield* Effect.logWarning(`ingest bench: ${inFlight} in flight, ${phaseSeconds} s phases, server ${server.url}`)
  yield* publishMax(1)
  yield* load({ ...job, seconds: 2, inFlight })
  const rawMax = yield* publishMax(phaseSeconds)
  const webhook = yield* load({ ...job, seconds: phaseSeconds, inFlight })
  const webhookMax = rate(webhook.statuses["200"] ?? 0, webhook.seconds)
  const rawHalf = yield* publishAt(rawMax / 2, phaseSeconds * 0.75)
  const half = yield* load({ ...job, seconds: phaseSeconds * 0.75, rate: webhookMax / 2 })

  const line = (label: string, value: string) => console.log(`${label.padEnd(44)} ${value}`)
  console.log("")
  line("setup, measuring (s)", `${(ready / 1000).toFixed(1)}, ${((performance.now() - ready) / 1000).toFixed(1)}`)
  line("raw publishDurable max (msg/s)", rawMax.toFixed(0))
  line("webhook POST /message max (200/s)", `${webhookMax.toFixed(0)}  statuses ${JSON.stringify(webhook.statuses)}`)
  line("webhook / raw", `${((100 * webhookMax) / rawMax).toFixed(1)} %`)
  line(`raw ack latency at ${(rawMax / 2).toFixed(0)}/s`, spread(rawHalf))
  line(
    `webhook 200 latency at ${(webhookMax / 2).toFixed(0)}/s`,
    `${spread(half.latencies)}  ${JSON.stringify(half.statuses)}`
  )
  line("webhook latency at max (closed loop)", spread(webhook.latencies))
})

const identity = {
  mspId: randomUUID(),
  secret: Redacted.make(randomBytes(32).toString("base64")),
  businessIds: [randomUUID()]
}
/** The runtime's layer requires a database; with no kinds started it never uses one (and PGlite takes seconds to open). */
const noDatabase = Layer.succeed(Db, {
  describe: "none",
  kind: "postgres",
  use: () => Effect.dieMessage("the ingest bench runs no actors and has no database"),
  write: () => Effect.dieMessage("the ingest bench runs no actors and has no database"),
  append: () => Effect.dieMessage("the ingest bench runs no actors and has no database"),
  transaction: () => Effect.dieMessage("the ingest bench runs no actors and has no database"),
  ping: Effect.void
})
const prefix = `bench${randomBytes(4).toString("hex")}`
const infra = Layer.mergeAll(
  NatsBus.layer({ servers: [process.env.NATS_URL ?? "nats://127.0.0.1:4222"], name: "bench-ingest" }),
  RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "bench" }),
  noDatabase,
  AppleConfig.layer(identity)
)
const edge = ActorInbox.layer().pipe(Layer.provideMerge(actorSystem<never>([])), Layer.provideMerge(infra))

if (process.argv[2] === "--load") {
  process.on("message", (job) => {
    void runLoad(job as LoadJob).then((result) => process.send?.(result))
  })
} else {
  Effect.runPromise(
    program.pipe(Effect.scoped, Effect.provide(edge), Logger.withMinimumLogLevel(LogLevel.Warning))
  ).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
}
