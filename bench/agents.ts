/**
 * Live-agent routing at scale (Advanced Work Assignment): one queue holding 10,000 waiting work
 * items and 1,000 agents configured on the channel, on NATS and PostgreSQL.
 *
 * - enqueue → offer: a new item enters a second queue that any agent may take, while 900 of the
 *   1,000 agents are full and 100 have free slots; from creating the work item to the chosen
 *   agent's workspace event `offer` (p50, p99).
 * - available → offer: one of the 900 full agents finishes a chat (a slot frees), and the queue
 *   with 10,000 waiting items offers them the most urgent one; from the agent's `Complete` to their
 *   `offer` event (p50, p99).
 * - the two statements behind each decision (the waiting page with refusals, the candidate agents
 *   with their loads), timed alone at this size.
 * - the agent socket, on a whole node (see `socketFigures`): memory per connected idle agent
 *   socket, and customer message → agent socket latency (p50, p99) at 1,000 messages/s.
 *
 *   node --expose-gc --import tsx bench/agents.ts    # NATS_URL, DATABASE_URL as for tests
 *   BENCH_WAITING=2000 BENCH_AGENTS=200 BENCH_SAMPLES=50 BENCH_SOCKETS=100 BENCH_CHATS=10 BENCH_RATE=100 \
 *     node --expose-gc --import tsx bench/agents.ts
 *
 * Optional: BENCH_SOCKETS (idle sockets, default 500), BENCH_CHATS (live chats, default 50),
 * BENCH_RATE (customer messages/s over all chats, default 1,000), BENCH_SOCKET_SECONDS (default 10).
 * Samples run one at a time (latency, not throughput). Offers are never answered: each takes the
 * agent's slot until the bench ends, so no sample's offer is decided twice.
 */
import { fork } from "node:child_process"
import { randomBytes } from "node:crypto"
import { cpus } from "node:os"
import { fileURLToPath } from "node:url"
import {
  Deferred,
  Duration,
  Effect,
  Layer,
  Logger,
  LogLevel,
  Option,
  Redacted,
  Schedule,
  Schema,
  type Scope
} from "effect"
import postgres from "postgres"
import WebSocket from "ws"
import * as AgentKind from "../actors/agent/Agent.ts"
import { AgentEvent } from "../actors/agent/AgentEvents.ts"
import { Agent, AgentStatus, Complete } from "../actors/agent/AgentProtocol.ts"
import * as AttachmentConfig from "../actors/attachments/AttachmentConfig.ts"
import * as IdentityProvider from "../actors/conversation/IdentityProvider.ts"
import * as QueueKind from "../actors/queue/Queue.ts"
import { Enqueued, Queue } from "../actors/queue/QueueProtocol.ts"
import * as AppleConfig from "../apple/AppleConfig.ts"
import * as PostgresDb from "../db/PostgresDb.ts"
import { setCapacity } from "../db/queries/agents.ts"
import { routingCandidates, waitingWithRefusals } from "../db/queries/routing.ts"
import { createUser, setApiToken } from "../db/queries/users.ts"
import { demoBusinessId } from "../db/seed/customers.ts"
import * as AuthConfig from "../http/auth/AuthConfig.ts"
import * as HttpConfig from "../http/HttpConfig.ts"
import { demoIdentityProvider } from "../node/Demo.ts"
import * as Node from "../node/Node.ts"
import { ActorSystem, layer as systemLayer } from "../runtime/ActorSystem.ts"
import { Bus } from "../runtime/Bus.ts"
import { erase } from "../runtime/ErasedKind.ts"
import * as MemoryObjectStore from "../runtime/MemoryObjectStore.ts"
import * as NatsBus from "../runtime/NatsBus.ts"
import * as RuntimeConfig from "../runtime/RuntimeConfig.ts"
import * as Simulator from "../sim/Simulator.ts"
import { removeOnClose } from "../test/support/NatsCleanup.ts"
import { freePort } from "../test/support/ports.ts"
import { freshDatabase } from "../test/support/TestDatabase.ts"

const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222"
const waitingCount = Number(process.env.BENCH_WAITING ?? 10_000)
const agentCount = Number(process.env.BENCH_AGENTS ?? 1_000)
const samples = Number(process.env.BENCH_SAMPLES ?? 200)
const socketCount = Number(process.env.BENCH_SOCKETS ?? 500)
const chatCount = Number(process.env.BENCH_CHATS ?? 50)
const socketRate = Number(process.env.BENCH_RATE ?? 1_000)
const socketSeconds = Number(process.env.BENCH_SOCKET_SECONDS ?? 10)
/** Agents with free slots for the second queue; the rest are full. */
const freeAgents = Math.max(1, Math.floor(agentCount / 10))
const capacity = 3
const prefix = `bagents${randomBytes(4).toString("hex")}`

const decodeEvent = Schema.decodeUnknownEither(Schema.parseJson(AgentEvent))
const text = new TextDecoder()

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0)

const describe = (label: string, ms: ReadonlyArray<number>) => {
  const sorted = [...ms].sort((a, b) => a - b)
  const f = (v: number) => `${v.toFixed(1)} ms`
  return `${label}: p50 ${f(percentile(sorted, 50))}, p99 ${f(percentile(sorted, 99))}, max ${f(sorted[sorted.length - 1] ?? Number.NaN)} over ${sorted.length} samples`
}

interface Fixture {
  readonly skill: string
  readonly backlog: { readonly id: string; readonly name: string }
  readonly open: { readonly id: string; readonly name: string }
  readonly agents: ReadonlyArray<string>
  /** One assigned work item per full agent, to finish in the "available → offer" samples. */
  readonly finishable: ReadonlyArray<{ readonly agentId: string; readonly workItemId: string }>
}

/** The data, written in bulk straight to PostgreSQL: routing then starts from a loaded database. */
const seed = (url: string) =>
  Effect.promise(async (): Promise<Fixture> => {
    const sql = postgres(url, { max: 1, onnotice: () => {} })
    try {
      const tag = randomBytes(3).toString("hex")
      const [skill] = await sql`insert into skills (name) values (${`cards-${tag}`}) returning id, name`
      if (skill === undefined) throw new Error("no skill")
      const conditions = { requiredSkills: [skill.name as string] }
      const [backlog] = await sql`insert into queues (name, routing_order, routing_conditions, accept_timeout_seconds)
        values (${`backlog-${tag}`}, 10, ${sql.json(conditions)}, 3600) returning id, name`
      const [open] = await sql`insert into queues (name, routing_order, accept_timeout_seconds)
        values (${`open-${tag}`}, 20, 3600) returning id, name`
      if (backlog === undefined || open === undefined) throw new Error("no queues")
      const users = await sql`insert into users (login, email, display_name)
        select 'bench-' || ${tag} || '-' || i, 'bench-' || i || '@example.test', 'Agent ' || i
        from generate_series(1, ${agentCount}) i returning id`
      const agents = users.map((u) => u.id as string)
      const full = agents.slice(freeAgents)
      await sql`insert into agent_channels (agent_id, channel, capacity, presence)
        select unnest(${sql.array(agents)}::uuid[]), 'apple_messages', ${capacity}, 'available'`
      await sql`insert into agent_skills (agent_id, skill_id) select unnest(${sql.array(full)}::uuid[]), ${skill.id}`
      // Each full agent holds `capacity` chats, assigned over the last hour (so Last Assigned has an order).
      const assigned = await sql`with owner as (
          select a.id as agent_id, s.n from unnest(${sql.array(full)}::uuid[]) a(id), generate_series(1, ${capacity}) s(n)
        ), opened as (
          insert into interactions (conversation_id, business_id, opaque_id, state)
          select 'bench|' || agent_id || ':' || n, 'bench', agent_id || ':' || n, 'new' from owner
          returning id, opaque_id
        )
        insert into work_items (interaction_id, queue_id, state, assigned_to, assigned_at, created_at)
        select o.id, ${backlog.id}, 'assigned', split_part(o.opaque_id, ':', 1)::uuid,
               now() - (random() * interval '1 hour'), now() - interval '2 hours'
        from opened o
        returning id, assigned_to`
      await sql`with opened as (
          insert into interactions (conversation_id, business_id, opaque_id, state)
          select 'bench|w' || i, 'bench', 'w' || i, 'new' from generate_series(1, ${waitingCount}) i
          returning id
        )
        insert into work_items (interaction_id, queue_id, priority, created_at)
        select id, ${backlog.id}, 1 + floor(random() * 5)::int, now() - (random() * interval '30 minutes') from opened`
      await sql`analyze`
      const byAgent = new Map<string, string>()
      for (const row of assigned) byAgent.set(row.assigned_to as string, row.id as string)
      return {
        skill: skill.name as string,
        backlog: { id: backlog.id as string, name: backlog.name as string },
        open: { id: open.id as string, name: open.name as string },
        agents,
        finishable: full.flatMap((agentId) => {
          const workItemId = byAgent.get(agentId)
          return workItemId === undefined ? [] : [{ agentId, workItemId }]
        })
      }
    } finally {
      await sql.end()
    }
  })

/** Waits for each sample's `offer` event on the agents' topics (one wildcard subscription). */
const makeOfferWatch = Effect.gen(function* () {
  const bus = yield* Bus
  const waiting = new Map<string, Deferred.Deferred<number>>()
  yield* bus.subscribe(`${prefix}.evt.agent.*`, (message) =>
    Effect.gen(function* () {
      const event = decodeEvent(text.decode(message.data))
      if (event._tag === "Left" || event.right.type !== "offer") return
      const key = message.subject.slice(message.subject.lastIndexOf(".") + 1)
      const byItem = event.right.body.workItemId
      const done =
        waiting.get(key) ?? (typeof byItem === "string" ? waiting.get(`item:${byItem}`) : undefined) ?? undefined
      if (done !== undefined) yield* Deferred.succeed(done, performance.now())
    })
  )
  /** Runs `start` and returns the milliseconds until an offer reaches `key` (an agent id, or `item:<id>`). */
  const time = <E, R>(key: string, start: Effect.Effect<unknown, E, R>) =>
    Effect.gen(function* () {
      const done = yield* Deferred.make<number>()
      waiting.set(key, done)
      const t0 = performance.now()
      yield* start
      const at = yield* Deferred.await(done).pipe(Effect.timeout(Duration.seconds(30)))
      waiting.delete(key)
      return at - t0
    })
  return { time }
})

/** Decision inputs alone: the two statements a queue turn reads, at this database's size. */
const statementTimes = (fixture: Fixture) =>
  Effect.gen(function* () {
    const skills = [fixture.skill]
    const waitingMs: Array<number> = []
    const candidatesMs: Array<number> = []
    for (let i = 0; i < 30; i++) {
      let t0 = performance.now()
      yield* waitingWithRefusals(fixture.backlog.id, 100)
      waitingMs.push(performance.now() - t0)
      t0 = performance.now()
      yield* routingCandidates({ channel: "apple_messages", requiredSkills: skills })
      candidatesMs.push(performance.now() - t0)
    }
    console.log(describe(`  waiting page (100 of ${waitingCount}, with refusals)`, waitingMs))
    console.log(
      describe(`  candidate agents (${agentCount - freeAgents} skilled and available, loads counted)`, candidatesMs)
    )
  })

/**
 * The agent socket (`GET /ws`), on a whole node of its own (HTTP edge, simulated Apple, fresh
 * database) in this process, through `ws` clients:
 * - memory per connected idle agent socket: the node's heap and RSS growth over `BENCH_SOCKETS`
 *   welcomed sockets, their clients held by a child process (`--hold-sockets`; until session 10
 *   they lived in this process and were counted too);
 * - customer message → agent socket: `BENCH_CHATS` live chats (customer handed off, agent accepted
 *   over the socket), customers sending at `BENCH_RATE` messages/s in total for `BENCH_SOCKET_SECONDS`;
 *   from the webhook send to the `message` event on the agent's socket (p50, p99), and the rate reached.
 */
/** A whole node (HTTP edge with `/ws`, runtime, simulated Apple) on a database of its own. */
const startNode = Effect.gen(function* () {
  const socketPrefix = `${prefix}ws`
  yield* removeOnClose(socketPrefix)
  const identity = yield* AppleConfig.demo()
  const port = yield* freePort
  let nodeUrl: Option.Option<string> = Option.none()
  const idp = yield* demoIdentityProvider
  const sim = yield* Simulator.make({
    identityProvider: idp.registered,
    mspId: identity.mspId,
    secret: Redacted.value(identity.secret),
    businessIds: [demoBusinessId],
    mspFetch: (request) =>
      Option.match(nodeUrl, {
        onNone: () => Promise.resolve(new Response("node not listening yet", { status: 503 })),
        onSome: (url) =>
          fetch(new Request(`${url}/message`, request)).catch(() => new Response("unreachable", { status: 599 }))
      })
  })
  const infra = Layer.mergeAll(
    NatsBus.layer({ servers: [natsUrl], name: "bench-agent-sockets" }),
    PostgresDb.layer(Redacted.make(yield* freshDatabase("bsockets")), 10),
    RuntimeConfig.layer({ subjectPrefix: socketPrefix, nodeId: "bench" }),
    HttpConfig.layer({ port, host: "127.0.0.1", publicUrl: `http://127.0.0.1:${port}` }),
    AuthConfig.layer(),
    AppleConfig.layer({ ...identity, businessIds: [demoBusinessId], apiBase: sim.url }),
    IdentityProvider.layer(Option.some(idp.provider)),
    MemoryObjectStore.layer,
    AttachmentConfig.layer()
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
  const url = yield* Effect.fromNullable(Option.getOrUndefined(nodeUrl))
  return { sim, url, context }
})

interface Frame {
  readonly type?: string
  readonly ref?: string
  readonly event?: { readonly type?: string; readonly body?: Record<string, unknown> }
}

/** A `ws` client of the agent socket, welcomed; `until` resolves on the first frame that matches. */
const openSocket = (url: string, token: string): Effect.Effect<Socket, Error, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<Socket, Error>((resume) => {
      const raw = new WebSocket(`${url.replace("http", "ws")}/ws`, { headers: { authorization: `Bearer ${token}` } })
      const watchers = new Set<(frame: Frame) => boolean>()
      raw.on("message", (data) => {
        const frame = JSON.parse(String(data)) as Frame
        if (frame.type === "welcome") resume(Effect.succeed(socket))
        for (const watch of watchers) if (watch(frame)) watchers.delete(watch)
      })
      raw.once("error", (e) => resume(Effect.fail(e)))
      const until = (match: (frame: Frame) => boolean) =>
        Effect.async<Frame>((done) => {
          watchers.add((frame) => {
            if (!match(frame)) return false
            done(Effect.succeed(frame))
            return true
          })
        }).pipe(Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error("no such frame") }))
      const command = (type: string, fields: Record<string, unknown>) =>
        Effect.gen(function* () {
          const ref = randomBytes(8).toString("hex")
          const reply = Effect.runFork(until((f) => f.ref === ref))
          raw.send(JSON.stringify({ v: 1, type, ref, ...fields }))
          const frame = yield* reply.await.pipe(Effect.flatten)
          if (frame.type !== "ack") return yield* Effect.fail(new Error(`${type} refused`))
        })
      const socket: Socket = { raw, until, command }
    }),
    (socket) => Effect.sync(() => socket.raw.terminate())
  )

interface Socket {
  readonly raw: WebSocket
  readonly until: (match: (frame: Frame) => boolean) => Effect.Effect<Frame, Error>
  readonly command: (type: string, fields: Record<string, unknown>) => Effect.Effect<void, Error>
}

const isEvent = (type: string) => (f: Frame) => f.type === "event" && f.event?.type === type

/**
 * The agent socket (`GET /ws`), on a whole node of its own in this process, through `ws` clients:
 * - memory per connected idle agent socket: the node's heap and RSS growth over `BENCH_SOCKETS`
 *   welcomed sockets, their clients held by a child process (`--hold-sockets`; until session 10
 *   they lived in this process and were counted too);
 * - customer message → agent socket: `BENCH_CHATS` live chats (a guest asks for a person, the
 *   agent accepts over the socket), customers sending `BENCH_RATE` messages/s in total for
 *   `BENCH_SOCKET_SECONDS`; from the webhook send to the `message` event on the agent's socket.
 */
const socketFigures = Effect.gen(function* () {
  const node = yield* startNode
  const staff = (label: string) =>
    Effect.gen(function* () {
      const login = `${label}-${randomBytes(4).toString("hex")}`
      const user = yield* createUser({
        login,
        email: `${login}@example.test`,
        displayName: label,
        roles: ["agent_workspace_user"]
      })
      const token = `tok-${randomBytes(16).toString("hex")}`
      yield* setApiToken(user.id, token)
      yield* setCapacity(user.id, "apple_messages", 3)
      return token
    }).pipe(Effect.provide(node.context))
  const gc = (globalThis as { gc?: () => void }).gc
  const idle = yield* Effect.forEach(
    Array.from({ length: socketCount }, (_, i) => i),
    (i) => staff(`idle-${i}`),
    { concurrency: 8 }
  )
  // The clients live in a child process, so the growth measured here is the node's alone.
  const holder = yield* Effect.acquireRelease(
    Effect.sync(() => fork(fileURLToPath(import.meta.url), ["--hold-sockets"], { execArgv: ["--import", "tsx"] })),
    (child) => Effect.sync(() => child.kill())
  )
  yield* Effect.sleep("1 second")
  gc?.()
  const before = process.memoryUsage()
  const opened = yield* Effect.async<string>((resume) => {
    holder.once("message", (answer) => resume(Effect.succeed(String(answer))))
    holder.send({ url: node.url, tokens: idle })
  })
  if (opened !== "open") return yield* Effect.dieMessage(`socket holder: ${opened}`)
  yield* Effect.sleep("1 second")
  gc?.()
  const after = process.memoryUsage()
  const per = (bytes: number) => `${(bytes / socketCount / 1024).toFixed(1)} KiB`
  console.log(
    `memory per idle agent socket on the node (${socketCount} sockets welcomed, clients in another process): heap ${per(after.heapUsed - before.heapUsed)}, rss ${per(after.rss - before.rss)}${gc === undefined ? " (run with --expose-gc for steadier figures)" : ""}`
  )

  const chats = yield* Effect.forEach(
    Array.from({ length: chatCount }, (_, i) => i),
    (i) =>
      Effect.gen(function* () {
        const ws = yield* openSocket(node.url, yield* staff(`live-${i}`))
        yield* ws.command("setPresence", { channel: "apple_messages", state: "available" })
        yield* ws.until(isEvent("presence"))
        const device = node.sim.customers.add({ id: `urn:mbid:bench-${randomBytes(6).toString("hex")}` })
        const offered = Effect.runFork(ws.until(isEvent("offer")))
        yield* device.send({ type: "text", body: "agent" })
        const offer = yield* offered.await.pipe(Effect.flatten)
        const assigned = Effect.runFork(ws.until(isEvent("assigned")))
        yield* ws.command("accept", { offerId: offer.event?.body?.offerId })
        yield* assigned.await.pipe(Effect.flatten)
        return { ws, device }
      }),
    { concurrency: 1 }
  )
  const sentAt = new Map<string, number>()
  const latencies: Array<number> = []
  for (const { ws } of chats) {
    ws.raw.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame
      const text = (frame.event?.body?.body as { text?: unknown } | undefined)?.text
      if (!isEvent("message")(frame) || typeof text !== "string") return
      const t0 = sentAt.get(text)
      if (t0 !== undefined) latencies.push(performance.now() - t0)
    })
  }
  const total = Math.max(1, Math.round(socketRate * socketSeconds))
  const started = performance.now()
  yield* Effect.forEach(
    Array.from({ length: total }, (_, i) => i),
    (i) =>
      Effect.gen(function* () {
        const wait = started + (i * 1000) / socketRate - performance.now()
        if (wait > 0) yield* Effect.sleep(Duration.millis(wait))
        const chat = chats[i % chats.length]
        if (chat === undefined) return
        const text = `m${i}`
        sentAt.set(text, performance.now())
        yield* chat.device.send({ type: "text", body: text }).pipe(Effect.ignore)
      }),
    { concurrency: 256, discard: true }
  )
  const sentRate = total / ((performance.now() - started) / 1000)
  const deadline = performance.now() + 30_000
  while (latencies.length < total && performance.now() < deadline) yield* Effect.sleep("100 millis")
  console.log(
    describe(
      `customer message → agent socket (${chatCount} chats; asked ${socketRate} msg/s, sent ${sentRate.toFixed(0)} msg/s; ${latencies.length}/${total} arrived)`,
      latencies
    )
  )
}).pipe(Effect.scoped)

const main = (fixture: Fixture, sql: postgres.Sql) =>
  Effect.gen(function* () {
    const system = yield* ActorSystem
    const watch = yield* makeOfferWatch
    // Every agent's actor live first, so a sample does not time an activation.
    // Retried: right after start-up a partition may not have its owner yet.
    const warm = (id: string) =>
      system
        .ask(Agent, id, new AgentStatus())
        .pipe(Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("30 seconds"))))
    yield* Effect.forEach(fixture.agents, warm, { concurrency: 32, discard: true })

    const enqueueMs: Array<number> = []
    for (let i = 0; i < Math.min(samples, freeAgents * capacity); i++) {
      const item = yield* Effect.promise(async () => {
        const [row] = await sql`with opened as (
            insert into interactions (conversation_id, business_id, opaque_id, state)
            values (${`bench|e${i}`}, 'bench', ${`e${i}`}, 'new') returning id
          ) insert into work_items (interaction_id, queue_id) select id, ${fixture.open.id} from opened returning id`
        return row?.id as string
      })
      enqueueMs.push(
        yield* watch.time(`item:${item}`, system.tell(Queue, fixture.open.name, Enqueued.make({ workItemId: item })))
      )
    }
    console.log(describe("enqueue → offer", enqueueMs))

    const availableMs: Array<number> = []
    for (const { agentId, workItemId } of fixture.finishable.slice(0, samples)) {
      availableMs.push(yield* watch.time(agentId, system.tell(Agent, agentId, Complete.make({ workItemId }))))
    }
    console.log(describe("agent frees a slot → offer", availableMs))
    yield* statementTimes(fixture)
  })

const program = Effect.gen(function* () {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, node ${process.version}; NATS ${natsUrl}`)
  const url = yield* freshDatabase("bagents")
  const started = performance.now()
  const fixture = yield* seed(url)
  console.log(
    `seeded ${waitingCount} waiting items, ${agentCount} agents (${agentCount - freeAgents} full, ${freeAgents} with free slots) in ${((performance.now() - started) / 1000).toFixed(1)} s`
  )
  const sql = yield* Effect.acquireRelease(
    Effect.sync(() => postgres(url, { max: 2, onnotice: () => {} })),
    (client) => Effect.promise(() => client.end())
  )
  const runtime = systemLayer([erase(QueueKind.make()), erase(AgentKind.make())], {
    audit: false,
    streamMaxBytes: 64 * 1024 * 1024
  }).pipe(
    Layer.provideMerge(RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "bench" })),
    Layer.provideMerge(
      Layer.mergeAll(
        NatsBus.layer({ servers: [natsUrl], name: "bench-agents" }),
        PostgresDb.layer(Redacted.make(url), 20)
      )
    )
  )
  yield* Effect.gen(function* () {
    yield* removeOnClose(prefix)
    yield* main(fixture, sql)
  }).pipe(Effect.provide(runtime), Effect.scoped)
  yield* socketFigures
}).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.Warning))

/**
 * `--hold-sockets`: the child that holds the idle sockets (plain `ws` clients, each welcomed),
 * told the node's address and the agents' tokens by its parent; answers "open" once every one is.
 */
const holdSockets = () =>
  process.once("message", (job: { readonly url: string; readonly tokens: ReadonlyArray<string> }) => {
    const open = (token: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const raw = new WebSocket(`${job.url.replace("http", "ws")}/ws`, {
          headers: { authorization: `Bearer ${token}` }
        })
        raw.on("message", (data) => {
          if ((JSON.parse(String(data)) as Frame).type === "welcome") resolve(raw)
        })
        raw.on("error", reject)
      })
    // 8 handshakes at a time: the node refuses more than 10 unauthenticated sockets per address (http/ws/SocketSettings.ts).
    const queue = [...job.tokens]
    const worker = async (): Promise<void> => {
      for (let token = queue.shift(); token !== undefined; token = queue.shift()) await open(token)
    }
    Promise.all(Array.from({ length: 8 }, worker)).then(
      () => process.send?.("open"),
      (e: unknown) => process.send?.(e instanceof Error ? e.message : String(e))
    )
  })

if (process.argv[2] === "--hold-sockets") holdSockets()
else
  Effect.runPromise(program).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e)
      process.exit(1)
    }
  )
