import { randomBytes } from "node:crypto"
import { assert, describe, it, layer } from "@effect/vitest"
import { and, eq } from "drizzle-orm"
import { Clock, Context, Duration, Effect, Option, Schema } from "effect"
import { Agent, AgentStatus, SetPresence, SocketOpened } from "../../actors/agent/AgentProtocol.ts"
import { AgentSnapshot, tableKind } from "../../actors/agent/AgentState.ts"
import { clearEarlierIncarnation } from "../../actors/agent/SessionReaper.ts"
import { Db } from "../../db/Db.ts"
import { findWorkItem, offersOf } from "../../db/queries/workItems.ts"
import { actorSnapshots } from "../../db/schema/runtime.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import { names } from "../../runtime/Address.ts"
import { Bus } from "../../runtime/Bus.ts"
import { RuntimeConfig } from "../../runtime/RuntimeConfig.ts"
import { deviceOf, E2eNode, nodeLayer, perTest } from "../conversation/sharedNode.ts"
import { nodeOptions } from "../conversation/support.ts"
import type { TestNode } from "../support/TestNode.ts"
import { agentDesk, eventually, leave, newStaff, presence } from "./support.ts"

// Read when the node starts: an agent left without a session goes Offline 1.5 s later.
const graceMs = 1500
process.env.AGENT_OFFLINE_AFTER_MS = String(graceMs)

const jane = "jane.doe@example.com"
const hex = () => randomBytes(4).toString("hex")

/** The node's services plus its runtime settings, which `TestNode.context` holds but does not name. */
const inNode = <A, E>(node: TestNode, effect: Effect.Effect<A, E, ActorSystem | Db | Bus | RuntimeConfig>) =>
  Effect.provide(
    Effect.provideService(effect, RuntimeConfig, Context.unsafeGet(node.context, RuntimeConfig)),
    node.context
  )

const statusOf = (node: TestNode, agentId: string) =>
  inNode(
    node,
    Effect.flatMap(ActorSystem, (sys) => sys.ask(Agent, agentId, new AgentStatus())).pipe(
      Effect.map((s) => ({ state: s.channels[0]?.state, sessions: s.sessions ?? 0, pending: s.pending.length }))
    )
  )

const tell = (node: TestNode, agentId: string, message: typeof SetPresence.Type | typeof SocketOpened.Type) =>
  inNode(
    node,
    Effect.flatMap(ActorSystem, (sys) => sys.tell(Agent, agentId, message))
  )

const snapshotOf = (node: TestNode, agentId: string) =>
  inNode(
    node,
    Effect.gen(function* () {
      const kind = yield* tableKind
      const rows = yield* Effect.flatMap(Db, (db) =>
        db.use("test.agentSnapshot", (d) =>
          d
            .select({ state: actorSnapshots.state })
            .from(actorSnapshots)
            .where(and(eq(actorSnapshots.kind, kind), eq(actorSnapshots.actorId, agentId)))
        )
      )
      return yield* Schema.decodeUnknown(AgentSnapshot)(rows[0]?.state)
    })
  )

type Infra = "embedded" | "nats"

/**
 * The runtime's membership bucket, as every node lists it: a test writes a peer's heartbeat entry
 * there and deletes it, which is what the live set sees of a node that joins and then dies. The
 * bucket is opened with the TTL the runtime derives (two thirds of the lease TTL; 15 s unless the
 * infra's options set one), so opening it changes nothing.
 */
const membersBucket = (node: TestNode, infra: Infra) =>
  inNode(
    node,
    Effect.gen(function* () {
      const config = yield* RuntimeConfig
      const leaseTtl = Duration.toMillis(nodeOptions(infra).runtime?.leaseTtl ?? "15 seconds")
      return yield* Effect.flatMap(Bus, (bus) =>
        bus.kv({
          bucket: names(config.subjectPrefix).nodeBucket(),
          replicas: config.streamReplicas,
          ttl: Math.round((leaseTtl * 2) / 3)
        })
      )
    })
  )

const isLive = (node: TestNode, id: string) =>
  inNode(
    node,
    Effect.flatMap(ActorSystem, (sys) => sys.cluster).pipe(
      Effect.map((view) => view.nodes.some((n) => n.id === id && n.live))
    )
  )

// PGlite and the in-process bus, then PostgreSQL (the snapshot query's jsonb) and NATS (the membership bucket).
for (const infra of ["embedded", "nats"] as const) {
  layer(nodeLayer(infra), { timeout: 150_000, excludeTestServices: true })(
    `workspace sessions on a node that is gone (${infra})`,
    (it) => {
      it.scoped(
        "a peer holding an agent's only session leaves: Offline after the grace and the offer goes on; an agent with a live socket too stays Available",
        () =>
          Effect.gen(function* () {
            const node = yield* E2eNode
            const bucket = yield* membersBucket(node, infra)
            const ghost = `ghost-${hex()}`
            const now = yield* Clock.currentTimeMillis
            const entry = { id: ghost, startedAt: now, heartbeatAt: now, host: "ghost", pid: 1, version: "test" }
            yield* bucket.put(ghost, new TextEncoder().encode(JSON.stringify(entry)))
            yield* eventually(isLive(node, ghost), (live) => live, "the peer is a member")

            const gone = yield* inNode(node, newStaff("reap-gone", "agent_workspace_user"))
            yield* tell(node, gone.id, SetPresence.make({ channel: "apple_messages", state: "available" }))
            yield* tell(node, gone.id, SocketOpened.make({ sessionId: `s-${hex()}`, node: ghost, openedAt: now }))
            const both = yield* agentDesk(node, "reap-both")
            yield* tell(node, both.user.id, SocketOpened.make({ sessionId: `s-${hex()}`, node: ghost, openedAt: now }))
            yield* eventually(statusOf(node, both.user.id), (s) => s.sessions === 2, "two sessions, one on the peer")

            const { device } = yield* deviceOf(node, jane)
            yield* device.say("agent")
            yield* eventually(
              statusOf(node, gone.id),
              (s) => s.pending === 1,
              "the offer waits on the agent of the peer"
            )
            yield* presence(both.ws, "available")

            yield* bucket.delete(ghost)
            const moved = yield* both.ws.nextEvent((e) => e.type === "offer", "the offer, moved on", 45_000)
            const workItemId = String(moved.body.workItemId)
            assert.deepStrictEqual(yield* statusOf(node, gone.id), { state: "offline", sessions: 0, pending: 0 })
            const offers = yield* inNode(node, offersOf(workItemId))
            assert.deepStrictEqual(
              offers.map((o) => o.agentId),
              [gone.id, both.user.id]
            )
            assert.strictEqual(offers[0]?.state, "rejected")
            assert.include(offers[0]?.reason ?? "", "went offline")
            assert.strictEqual((yield* inNode(node, findWorkItem(workItemId)))?.state, "offered")

            yield* eventually(statusOf(node, both.user.id), (s) => s.sessions === 1, "the peer's session dropped")
            // Nothing to await: the agent must still be Available once a grace has passed.
            yield* Effect.sleep(graceMs + 1000)
            assert.deepInclude(yield* statusOf(node, both.user.id), { state: "available", sessions: 1 })
            yield* leave(both)
          }),
        perTest
      )

      it.scoped(
        "a restarted node clears its earlier incarnation's sessions, old-shape snapshots included, and keeps those opened since",
        () =>
          Effect.gen(function* () {
            const node = yield* E2eNode
            const self = yield* inNode(
              node,
              Effect.flatMap(ActorSystem, (sys) => sys.cluster).pipe(
                Effect.map((view) => view.nodes.find((n) => n.id === view.self))
              )
            )
            assert.isDefined(self)
            const startedAt = Option.getOrThrow(self!.info).startedAt

            const desk = yield* agentDesk(node, "reap-restart")
            yield* presence(desk.ws, "available")
            const kept = String((yield* desk.ws.welcome).sessionId)
            const earlier = `earlier-${hex()}`
            yield* tell(
              node,
              desk.user.id,
              SocketOpened.make({ sessionId: earlier, node: self!.id, openedAt: startedAt - 60_000 })
            )

            // Written as a node of the previous release wrote it: sessions without their opening times.
            const legacy = yield* inNode(node, newStaff("reap-legacy", "agent_workspace_user"))
            yield* inNode(
              node,
              Effect.gen(function* () {
                const kind = yield* tableKind
                const state = { labels: {}, pending: [], wrapUp: [], sessions: { [`legacy-${hex()}`]: self!.id } }
                yield* Effect.flatMap(Db, (db) =>
                  db.use("test.legacySnapshot", (d) =>
                    d.insert(actorSnapshots).values({ kind, actorId: legacy.id, state })
                  )
                )
              })
            )
            yield* tell(node, legacy.id, SetPresence.make({ channel: "apple_messages", state: "available" }))
            yield* eventually(
              statusOf(node, legacy.id),
              (s) => s.state === "available" && s.sessions === 1,
              "the old snapshot loaded"
            )
            yield* eventually(statusOf(node, desk.user.id), (s) => s.sessions === 2, "both sessions recorded")

            const told = yield* inNode(node, clearEarlierIncarnation(graceMs))
            assert.isAtLeast(told, 2)

            yield* eventually(statusOf(node, legacy.id), (s) => s.state === "offline", "the legacy agent Offline")
            assert.deepStrictEqual(yield* statusOf(node, legacy.id), { state: "offline", sessions: 0, pending: 0 })
            yield* eventually(statusOf(node, desk.user.id), (s) => s.sessions === 1, "the earlier session dropped")
            const snapshot = yield* snapshotOf(node, desk.user.id)
            assert.deepStrictEqual(Object.keys(snapshot.sessions), [kept])
            assert.deepStrictEqual(Object.keys(snapshot.openedAt), [kept])
            yield* Effect.sleep(graceMs + 1000)
            assert.deepInclude(yield* statusOf(node, desk.user.id), { state: "available", sessions: 1 })

            // A second pass (another restart's, or a duplicate) leaves the live session alone.
            yield* inNode(node, clearEarlierIncarnation(graceMs))
            yield* eventually(statusOf(node, desk.user.id), (s) => s.sessions === 1, "still one session")
            yield* leave(desk)
          }),
        perTest
      )
    }
  )
}

describe("AgentSnapshot", () => {
  const old = { labels: {}, pending: [], wrapUp: [] }

  it("decodes snapshots from before sessions, and from before their opening times", () => {
    assert.deepStrictEqual(Schema.decodeUnknownSync(AgentSnapshot)(old), { ...old, sessions: {}, openedAt: {} })
    assert.deepStrictEqual(Schema.decodeUnknownSync(AgentSnapshot)({ ...old, sessions: { s1: "node-a" } }), {
      ...old,
      sessions: { s1: "node-a" },
      openedAt: {}
    })
  })

  it("writes what the previous release still reads: sessions as session → node", () => {
    const previous = Schema.Struct({
      labels: Schema.Record({ key: Schema.String, value: Schema.String }),
      pending: Schema.Array(Schema.Unknown),
      wrapUp: Schema.Array(Schema.String),
      sessions: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.String }))
    })
    const written = Schema.encodeSync(AgentSnapshot)({
      ...old,
      sessions: { s1: "node-a" },
      openedAt: { s1: 1_700_000_000_000 }
    })
    assert.deepStrictEqual(Schema.decodeUnknownSync(previous)(written), { ...old, sessions: { s1: "node-a" } })
  })
})
