import { randomUUID } from "node:crypto"
import { and, eq, inArray } from "drizzle-orm"
import { Effect, Layer, Redacted, Schedule } from "effect"
import * as AgentKind from "../../actors/agent/Agent.ts"
import { Agent, AgentStatus, SetPresence } from "../../actors/agent/AgentProtocol.ts"
import * as QueueKind from "../../actors/queue/Queue.ts"
import { Enqueued, Queue } from "../../actors/queue/QueueProtocol.ts"
import { Db } from "../../db/Db.ts"
import * as PostgresDb from "../../db/PostgresDb.ts"
import { setCapacity } from "../../db/queries/agents.ts"
import { openInteraction } from "../../db/queries/interactions.ts"
import { createQueue, createSkill, grantSkill, type NewQueue } from "../../db/queries/queues.ts"
import { createUser } from "../../db/queries/users.ts"
import { enqueueWorkItem } from "../../db/queries/workItems.ts"
import { offers, workItems } from "../../db/schema/awa.ts"
import { ActorSystem, type SystemSettings, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import * as NatsBus from "../../runtime/NatsBus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { makeRecorder, type Recorder } from "../support/ConversationRecorder.ts"
import { removeOnClose } from "../support/NatsCleanup.ts"
import { freshDatabase } from "../support/TestDatabase.ts"
import { natsUrl, uniquePrefix } from "../support/TestEnv.ts"

export type { Recorded, Recorder } from "../support/ConversationRecorder.ts"
export { makeRecorder }

/**
 * Timers polled often enough for one-second accept limits; small streams (JetStream reserves them
 * up front); acks and leases that ride out a busy two-core host.
 */
export const settings: Partial<SystemSettings> = {
  audit: false,
  ackWait: "10 seconds",
  timerInterval: "400 millis",
  sweepInterval: "5 seconds",
  streamMaxBytes: 8 * 1024 * 1024,
  streamMaxMsgs: 200_000,
  leaseTtl: "15 seconds",
  lease: { renewEvery: 2_000, suspectAfter: 10_000, retryAcquireEvery: 200, hungAfter: 15_000 }
}

/** A fresh database (no other suite's queues or agents), NATS under this run's prefix, and the routing kinds. */
export const awaLayer = (label: string, recorder: Recorder, overrides: Partial<SystemSettings> = {}) => {
  const prefix = uniquePrefix(label)
  const db = Layer.unwrapScoped(Effect.map(freshDatabase(label), (url) => PostgresDb.layer(Redacted.make(url), 20)))
  const infra = Layer.mergeAll(
    Layer.scopedDiscard(removeOnClose(prefix)),
    NatsBus.layer({ servers: [natsUrl()], name: `awa-${label}` }),
    db,
    RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a" })
  )
  const kinds = [erase(QueueKind.make({ sweepEvery: "1 second" })), erase(AgentKind.make()), recorder.erased]
  return Layer.provideMerge(systemLayer(kinds, { ...settings, ...overrides }), infra)
}

export const unique = (label: string) => `${label}-${randomUUID().slice(0, 8)}`

/** Polls until `check` holds, so tests wait on state, not on fixed sleeps. */
export const eventually = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
  check: (a: A) => boolean,
  what: string,
  within: `${number} seconds` = "20 seconds",
  every: `${number} millis` = "50 millis"
) =>
  effect.pipe(
    Effect.filterOrFail(check, () => new Error(`still waiting: ${what}`)),
    Effect.retry(Schedule.spaced(every).pipe(Schedule.upTo(within)))
  )

export const newSkill = (label: string) => createSkill({ name: unique(label) })

/** An agent with skills and capacity, made available through their actor. */
export const newAgent = (
  label: string,
  options: {
    readonly skills?: ReadonlyArray<{ readonly id: string }>
    readonly capacity?: number
    readonly available?: boolean
  } = {}
) =>
  Effect.gen(function* () {
    const login = unique(label)
    const user = yield* createUser({
      login,
      email: `${login}@example.test`,
      displayName: label,
      roles: ["agent_workspace_user"]
    })
    for (const skill of options.skills ?? []) yield* grantSkill(user.id, skill.id)
    yield* setCapacity(user.id, "apple_messages", options.capacity ?? 3)
    if (options.available ?? true) {
      const sys = yield* ActorSystem
      yield* sys.tell(Agent, user.id, SetPresence.make({ channel: "apple_messages", state: "available" }))
      yield* eventually(statusOf(user.id), (s) => s.channels[0]?.state === "available", `${label} available`)
    }
    return user
  })

export const newQueue = (input: Omit<NewQueue, "name"> & { readonly label: string }) => {
  const { label, ...rest } = input
  return createQueue({ name: unique(label), ...rest })
}

/** An interaction handed off to `queue`, as the conversation does (work item, then a durable `Enqueued`). */
export const handOff = (queue: { readonly id: string; readonly name: string }, priority?: number) =>
  Effect.gen(function* () {
    const opaqueId = randomUUID()
    const interaction = yield* openInteraction({ conversationId: `biz|${opaqueId}`, businessId: "biz", opaqueId })
    const item = yield* enqueueWorkItem({
      interactionId: interaction.id,
      queueId: queue.id,
      ...(priority !== undefined ? { priority } : {})
    })
    const sys = yield* ActorSystem
    yield* sys.tell(Queue, queue.name, Enqueued.make({ workItemId: item.id }))
    return item
  })

export const statusOf = (agentId: string) =>
  Effect.flatMap(ActorSystem, (sys) => sys.ask(Agent, agentId, new AgentStatus()))

export const itemOf = (id: string) =>
  Effect.flatMap(Db, (db) =>
    db.use("test.item", async (d) => (await d.select().from(workItems).where(eq(workItems.id, id)))[0])
  )

export const offersFor = (ids: ReadonlyArray<string>) =>
  Effect.flatMap(Db, (db) =>
    db.use("test.offers", (d) =>
      d
        .select()
        .from(offers)
        .where(inArray(offers.workItemId, [...ids]))
        .orderBy(offers.offeredAt)
    )
  )

/** The pending offer of an item once the agent's actor holds it (so an `Accept` cannot overtake the `Offer`). */
export const pendingOffer = (workItemId: string) =>
  eventually(
    Effect.gen(function* () {
      const db = yield* Db
      const offer = yield* db.use(
        "test.pending",
        async (d) =>
          (
            await d
              .select()
              .from(offers)
              .where(and(eq(offers.workItemId, workItemId), eq(offers.state, "offered")))
          )[0]
      )
      if (offer === undefined) return undefined
      const status = yield* statusOf(offer.agentId)
      return status.pending.some((p) => p.offerId === offer.id) ? offer : undefined
    }),
    (o) => o !== undefined,
    `an offer of ${workItemId} the agent holds`
  ).pipe(Effect.map((offer) => offer!))
