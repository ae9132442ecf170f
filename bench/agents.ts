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
 * - reserved: the agent socket figures (see `socketFigures`).
 *
 *   npx tsx bench/agents.ts                          # NATS_URL, DATABASE_URL as for tests
 *   BENCH_WAITING=2000 BENCH_AGENTS=200 BENCH_SAMPLES=50 npx tsx bench/agents.ts
 *
 * Samples run one at a time (latency, not throughput). Offers are never answered: each takes the
 * agent's slot until the bench ends, so no sample's offer is decided twice.
 */
import { randomBytes } from "node:crypto"
import { cpus } from "node:os"
import { Deferred, Duration, Effect, Layer, Logger, LogLevel, Redacted, Schema } from "effect"
import postgres from "postgres"
import * as AgentKind from "../actors/agent/Agent.ts"
import { AgentEvent } from "../actors/agent/AgentEvents.ts"
import { Agent, AgentStatus, Complete } from "../actors/agent/AgentProtocol.ts"
import * as QueueKind from "../actors/queue/Queue.ts"
import { Enqueued, Queue } from "../actors/queue/QueueProtocol.ts"
import * as PostgresDb from "../db/PostgresDb.ts"
import { routingCandidates, waitingWithRefusals } from "../db/queries/routing.ts"
import { ActorSystem, layer as systemLayer } from "../runtime/ActorSystem.ts"
import { Bus } from "../runtime/Bus.ts"
import { erase } from "../runtime/ErasedKind.ts"
import * as NatsBus from "../runtime/NatsBus.ts"
import * as RuntimeConfig from "../runtime/RuntimeConfig.ts"
import { removeOnClose } from "../test/support/NatsCleanup.ts"
import { freshDatabase } from "../test/support/TestDatabase.ts"

const natsUrl = process.env.NATS_URL ?? "nats://127.0.0.1:4222"
const waitingCount = Number(process.env.BENCH_WAITING ?? 10_000)
const agentCount = Number(process.env.BENCH_AGENTS ?? 1_000)
const samples = Number(process.env.BENCH_SAMPLES ?? 200)
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
 * Reserved for the agent WebSocket (`GET /ws`, `http/ws/Protocol.ts`), not yet on main when this
 * was written: customer message → agent socket latency p50/p99 at 1,000 messages/s, and memory
 * per connected idle agent socket, both through a `ws` client against a whole node.
 */
const socketFigures = Effect.sync(() => {
  console.log("agent socket: message → socket latency at 1,000 msg/s, memory per idle socket — not measured yet")
})

const main = (fixture: Fixture, sql: postgres.Sql) =>
  Effect.gen(function* () {
    const system = yield* ActorSystem
    const watch = yield* makeOfferWatch
    // Every agent's actor live first, so a sample does not time an activation.
    yield* Effect.forEach(fixture.agents, (id) => system.ask(Agent, id, new AgentStatus()), {
      concurrency: 32,
      discard: true
    })

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
    yield* socketFigures
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
  }).pipe(Effect.provide(runtime))
}).pipe(Effect.scoped, Logger.withMinimumLogLevel(LogLevel.Warning))

Effect.runPromise(program).then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e)
    process.exit(1)
  }
)
