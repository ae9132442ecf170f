/**
 * Why streams never reach their bound (runtime/internal/admission.ts): on a 3-server nats-server
 * 2.9 cluster, a replicated (R3) workqueue stream with `discard: new` and a small `max_msgs` can
 * acknowledge a publish (PubAck with a seq, not a duplicate) that is then never delivered: a
 * replica refused it as "maximum messages exceeded" while the leader stored it, and the replicas
 * diverge. It can also leave the stream full with "pending" messages no consumer ever gets, so it
 * refuses every publish (wedged), and can make a server disable its JetStream. At R1 the same load
 * loses nothing. Upstream: nats-server #4771, #4775, #4247; fixed by PRs #7607/#7608. This prints
 * figures; it is not a test.
 *
 *   node --import tsx bench/fullStream.ts        # needs nats-server (a fresh 3-server cluster per run)
 *   FULLSTREAM_RUNS=3 FULLSTREAM_MAX_MSGS=20 FULLSTREAM_MESSAGES=1500 node --import tsx bench/fullStream.ts
 *
 * Load: 16 publishers retry each refused id (same msgID) after 20–50 ms until acked, while 8
 * durable pull consumers (one per subject) ack what they get; "lost" = acked but never received.
 */
import { randomBytes } from "node:crypto"
import { AckPolicy, DiscardPolicy, jetstream, jetstreamManager, RetentionPolicy, StorageType } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Data, Effect, Logger, LogLevel, Option, Schedule, Schema } from "effect"
import * as NatsServer from "../test/support/NatsServer.ts"

const runs = Number(process.env.FULLSTREAM_RUNS ?? 3)
const maxMsgs = Number(process.env.FULLSTREAM_MAX_MSGS ?? 20)
const total = Number(process.env.FULLSTREAM_MESSAGES ?? 1500)
const subjects = 8
const publishers = 16
const runBound = "90 seconds"
/** A wedged stream refuses forever; stop publishing then and report what was acked. */
const publishBound = "45 seconds"

const say = (line: string) => Effect.sync(() => process.stdout.write(`${line}\n`))
class StepFailed extends Data.TaggedError("StepFailed")<{ readonly step: string; readonly reason: string }> {}
/** A NATS call; its failure names the step and keeps the server's reason (tallied as a refusal). */
const step = <A>(label: string, f: () => Promise<A>) =>
  Effect.tryPromise({
    try: f,
    catch: (e) => new StepFailed({ step: label, reason: e instanceof Error ? e.message : String(e) })
  })
const attempt = <A>(f: () => Promise<A>) => step("call", f)

/** The part of `/jsz?accounts=true&streams=true` that says how many messages each server holds. */
const Jsz = Schema.Struct({
  account_details: Schema.optional(
    Schema.NullOr(
      Schema.Array(
        Schema.Struct({
          stream_detail: Schema.optional(
            Schema.NullOr(
              Schema.Array(Schema.Struct({ name: Schema.String, state: Schema.Struct({ messages: Schema.Number }) }))
            )
          )
        })
      )
    )
  )
})

/** Messages of `stream` on each server (its copy, leader or replica): shows replicas diverging. */
const perServer = (cluster: NatsServer.NatsCluster, stream: string) =>
  Effect.forEach(cluster.servers, (server) =>
    attempt(async () => {
      const res = await fetch(`${server.monitorUrl}/jsz?accounts=true&streams=true`)
      const jsz = Schema.decodeUnknownSync(Jsz)(await res.json())
      const found = (jsz.account_details ?? []).flatMap((a) => a.stream_detail ?? []).find((s) => s.name === stream)
      return `${server.name.split("-").at(-1)}=${found === undefined ? "-" : found.state.messages}`
    }).pipe(Effect.orElseSucceed(() => `${server.name}=?`))
  ).pipe(Effect.map((list) => list.join(" ")))

/**
 * After a run that failed, or left a server unhealthy (2.9 can disable a server's JetStream after
 * a run: "JetStream out of resources, will be DISABLED"): each server's health and last warnings.
 */
const health = (cluster: NatsServer.NatsCluster, failed: boolean) =>
  Effect.forEach(cluster.servers, (server) =>
    attempt(async () => {
      const res = await fetch(`${server.monitorUrl}/healthz`, { signal: AbortSignal.timeout(2000) })
      return {
        ok: res.ok,
        line: `${server.name} pid ${server.pid ?? "none"}: ${res.status} ${(await res.text()).trim()}`
      }
    }).pipe(Effect.orElseSucceed(() => ({ ok: false, line: `${server.name}: no answer` })))
  ).pipe(
    Effect.filterOrFail((all) => failed || all.some((s) => !s.ok)),
    Effect.flatMap((all) => say(`  servers: ${all.map((s) => s.line).join("; ")}`)),
    Effect.zipRight(
      Effect.forEach(cluster.servers, (server) => {
        const log = server
          .output()
          .split("\n")
          .filter((l) => /\[(ERR|WRN)\]/.test(l))
          .slice(-4)
        return log.length === 0 ? Effect.void : say(`  ${server.name} log:\n    ${log.join("\n    ")}`)
      })
    ),
    Effect.ignore
  )

interface RunResult {
  readonly lost: number
  readonly wedged: boolean
  readonly unacked: number
  readonly version: string | undefined
}

const measure = (cluster: NatsServer.NatsCluster, replicas: number, run: number) =>
  Effect.scoped(
    Effect.gen(function* () {
      const name = `full${replicas}_${randomBytes(3).toString("hex")}`
      const nc = yield* Effect.acquireRelease(
        step("connect", () => connect({ servers: [...cluster.clientUrls], name: "bench-fullStream" })),
        (c) => Effect.ignore(attempt(() => c.close()))
      )
      const js = jetstream(nc)
      const jsm = yield* step("jetstreamManager", () => jetstreamManager(nc))
      yield* Effect.acquireRelease(
        step("add stream", () =>
          jsm.streams.add({
            name,
            subjects: [`${name}.>`],
            retention: RetentionPolicy.Workqueue,
            discard: DiscardPolicy.New,
            max_msgs: maxMsgs,
            num_replicas: replicas,
            storage: StorageType.File
          })
        ),
        () => Effect.ignore(attempt(() => jsm.streams.delete(name)))
      )
      const durables = Array.from({ length: subjects }, (_, i) => `c${i}`)
      const received = new Map<string, number>()
      for (const [i, durable] of durables.entries()) {
        yield* step(`add consumer ${durable}`, () =>
          jsm.consumers.add(name, {
            durable_name: durable,
            filter_subject: `${name}.p${i}`,
            ack_policy: AckPolicy.Explicit
          })
        )
        const consumer = yield* step(`get consumer ${durable}`, () => js.consumers.get(name, durable))
        yield* Effect.acquireRelease(
          step(`consume ${durable}`, () =>
            consumer.consume({
              max_messages: 64,
              callback: (msg) => {
                const id = msg.string()
                received.set(id, (received.get(id) ?? 0) + 1)
                msg.ack()
              }
            })
          ),
          (messages) => Effect.ignore(attempt(() => messages.close()))
        )
      }

      const acks = new Map<string, { readonly seq: number; readonly duplicate: boolean }>()
      const refusals = new Map<string, number>()
      const ids = Array.from({ length: total }, (_, i) => `${name}-${i}`)
      yield* Effect.forEach(
        ids,
        (id, i) =>
          attempt(() => js.publish(`${name}.p${i % subjects}`, id, { msgID: id, timeout: 2000 })).pipe(
            Effect.tapError(({ reason }) => Effect.sync(() => refusals.set(reason, (refusals.get(reason) ?? 0) + 1))),
            Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.jitteredWith({ min: 1, max: 2.5 }))),
            Effect.tap((ack) => Effect.sync(() => acks.set(id, { seq: ack.seq, duplicate: ack.duplicate })))
          ),
        { concurrency: publishers, discard: true }
      ).pipe(Effect.timeoutOption(publishBound))
      const unacked = total - acks.size

      // Until every acked id arrived, or the count has not grown for 5 s.
      let last = -1
      let still = Date.now()
      while (received.size < acks.size && Date.now() - still < 5000) {
        if (received.size !== last) [last, still] = [received.size, Date.now()]
        yield* Effect.sleep("250 millis")
      }

      const stalled = received.size < acks.size
      const lost = ids.filter((id) => acks.has(id) && !received.has(id))
      const duplicates = [...received.values()].filter((n) => n > 1).length
      const ackedAsDuplicate = [...acks.values()].filter((a) => a.duplicate).length
      const refused = [...refusals.values()].reduce((a, b) => a + b, 0)
      const reasons = [...refusals].map(([r, n]) => `${r}: ${n}`).join("; ")
      // Infos can time out once a replica reset its state; the loss figures stand without them.
      const info = yield* attempt(() => jsm.streams.info(name)).pipe(Effect.option)
      const [silent, consumers] = yield* Effect.partition(durables, (d) => step(d, () => jsm.consumers.info(name, d)))
      const pending = consumers.reduce((sum, c) => sum + c.num_pending, 0)
      const ackPending = consumers.reduce((sum, c) => sum + c.num_ack_pending, 0)
      const unanswered = silent.length === 0 ? "" : ` (no consumer info: ${silent.map((e) => e.step).join(", ")})`
      const copies = yield* perServer(cluster, name)
      const probeId = `probe-${name}`
      const probe = yield* attempt(() => js.publish(`${name}.p0`, probeId, { msgID: probeId, timeout: 2000 })).pipe(
        Effect.either
      )
      // Full and refusing, with nothing to drain it: consumers report nothing pending, or report
      // pending messages they have not delivered for 5 s.
      const undelivered = stalled && pending > 0
      const wedged =
        probe._tag === "Left" && ((silent.length === 0 && pending === 0 && ackPending === 0) || undelivered)
      yield* say(
        `R${replicas} run ${run}: ${acks.size} acked${unacked > 0 ? ` (${unacked} still refused after ${publishBound})` : ""} (${ackedAsDuplicate} as duplicate; ${refused} refusals), ` +
          `${ids.filter((id) => received.has(id)).length} received, ${lost.length} LOST, ${duplicates} duplicate deliveries; ` +
          `stream now ${Option.match(info, { onNone: () => "?", onSome: (i) => i.state.messages })}/${maxMsgs} msgs (per server: ${copies}), ` +
          `pending ${pending}${undelivered ? " (not delivered for 5 s)" : ""}, ack pending ${ackPending}${unanswered}; ` +
          `fresh publish ${probe._tag === "Right" ? "accepted" : `refused (${probe.left.reason})`}${wedged ? " => WEDGED" : ""}`
      )
      if (reasons !== "") yield* say(`  refusals: ${reasons}`)
      if (lost.length > 0) {
        const sample = lost.slice(0, 5).map((id) => `${id.split("-").at(-1)}@seq${acks.get(id)?.seq}`)
        yield* say(`  lost e.g. ${sample.join(", ")}`)
      }
      const result: RunResult = { lost: lost.length, wedged, unacked, version: nc.info?.version }
      return result
    })
  )

/** Each run on a fresh cluster: a run can leave a server without JetStream, failing the next. */
const oneRun = (replicas: number, run: number): Effect.Effect<Option.Option<RunResult>> =>
  Effect.scoped(
    Effect.gen(function* () {
      const cluster = yield* NatsServer.cluster(3)
      return yield* measure(cluster, replicas, run).pipe(
        Effect.timeoutOption(runBound),
        Effect.tap((result) =>
          Option.isNone(result) ? say(`R${replicas} run ${run}: hit the ${runBound} bound, skipped`) : Effect.void
        ),
        Effect.catchAll((error) =>
          Effect.as(say(`R${replicas} run ${run}: failed: ${error.step}: ${error.reason}`), Option.none())
        ),
        Effect.tap((result) => health(cluster, Option.isNone(result)))
      )
    })
  ).pipe(
    Effect.catchAll((error) => Effect.as(say(`R${replicas} run ${run}: no cluster: ${error.message}`), Option.none()))
  )

const program = Effect.gen(function* () {
  const started = Date.now()
  yield* say(`fresh 3-server cluster per run; ${total} messages per run, max_msgs ${maxMsgs}, discard new, workqueue`)
  let version: string | undefined
  const summary: Array<string> = []
  for (const replicas of [3, 1]) {
    const results: Array<RunResult> = []
    for (let run = 1; run <= runs; run++) {
      const result = yield* oneRun(replicas, run)
      if (Option.isSome(result)) results.push(result.value)
      version ??= Option.getOrUndefined(result)?.version
    }
    const withLoss = results.filter((r) => r.lost > 0).length
    const lost = results.reduce((sum, r) => sum + r.lost, 0)
    const wedged = results.filter((r) => r.wedged).length
    const cut = results.filter((r) => r.unacked > 0).length
    summary.push(
      `R${replicas}: ${withLoss}/${results.length} runs lost acked messages (${lost} in all), ${wedged} left the stream wedged, ` +
        `${cut} could not publish all within ${publishBound}` +
        (results.length < runs ? `; ${runs - results.length} of ${runs} runs did not finish` : "")
    )
  }
  yield* say(`--- nats-server ${version ?? "?"}`)
  for (const line of summary) yield* say(line)
  yield* say(`took ${((Date.now() - started) / 1000).toFixed(1)} s`)
})

Effect.runPromise(program.pipe(Logger.withMinimumLogLevel(LogLevel.Warning))).then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  }
)
