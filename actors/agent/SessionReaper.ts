import { type Duration, Effect, Option, Schedule, type Scope } from "effect"
import type { Db } from "../../db/Db.ts"
import { type SessionHolder, sessionHolders } from "../../db/queries/agentSessions.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import { winner } from "../../runtime/Membership.ts"
import type { RuntimeConfig } from "../../runtime/RuntimeConfig.ts"
import { Agent, NodeGone } from "./AgentProtocol.ts"
import { tableKind } from "./AgentState.ts"

/**
 * Clears the workspace sessions a node can no longer close. A socket's session ends with
 * `SocketClosed` from the node holding it; a node that dies (SIGKILL, lost machine) sends none, and
 * its agents would stay counted as connected, and Available, with offers timing out on them. Every
 * node runs this: at start-up it clears the sessions of its own earlier incarnation (same node id,
 * opened before this one started), and then it watches for nodes that hold sessions but are no
 * longer members. Each agent holding such a session is told `NodeGone`, which starts the usual
 * grace when it leaves them with no session.
 */

export interface SessionReaperSettings {
  /** The grace before an agent left without a session goes Offline (AGENT_OFFLINE_AFTER_MS). */
  readonly offlineAfterMs: number
  /** How often the snapshots are checked against the live members. */
  readonly checkEvery: Duration.DurationInput
}

export const defaultCheckEvery: Duration.DurationInput = "5 seconds"

type Services = ActorSystem | Db | RuntimeConfig

const holdersOn = (holders: ReadonlyArray<SessionHolder>, node: string) =>
  holders.filter((h) => h.nodes.includes(node)).map((h) => h.agentId)

/** Tells each agent `NodeGone`; one that cannot be told is picked up on a later check or start-up. */
const tellGone = (agents: ReadonlyArray<string>, message: NodeGone) =>
  Effect.flatMap(ActorSystem, (sys) =>
    Effect.forEach(agents, (agentId) => sys.tell(Agent, agentId, message).pipe(Effect.ignoreLogged), {
      concurrency: 8,
      discard: true
    })
  )

/**
 * This node's membership `startedAt`. The runtime joined before any layer above it started, so the
 * entry is normally there at once; a lagging replica may answer it absent for a moment.
 */
const startedAt = Effect.flatMap(ActorSystem, (sys) =>
  sys.members.pipe(
    Effect.flatMap((members) =>
      Option.match(Option.fromNullable(members.find((n) => n.id === sys.node)), {
        onNone: () => Effect.fail("no entry yet" as const),
        onSome: (info) => Effect.succeed(info.startedAt)
      })
    ),
    Effect.retry(Schedule.spaced("500 millis").pipe(Schedule.upTo("10 seconds"))),
    Effect.option
  )
)

/**
 * The sessions this node's earlier incarnation left behind: it was killed, or restarted faster
 * than its membership entry lapsed, so no peer ever saw it gone. Sessions opened since this node
 * started are kept, whatever order the messages arrive in. Returns how many agents were told.
 */
export const clearEarlierIncarnation = (offlineAfterMs: number): Effect.Effect<number, never, Services> =>
  Effect.gen(function* () {
    const sys = yield* ActorSystem
    const since = yield* startedAt
    if (Option.isNone(since)) {
      yield* Effect.logWarning(
        `node ${sys.node}: no membership entry, so its earlier incarnation's sessions were not cleared`
      )
      return 0
    }
    const agents = holdersOn(yield* sessionHolders(yield* tableKind), sys.node)
    yield* tellGone(agents, NodeGone.make({ node: sys.node, openedBefore: since.value, offlineAfterMs }))
    if (agents.length > 0)
      yield* Effect.logInfo(
        `node ${sys.node} started: told ${agents.length} agents to drop its earlier incarnation's sessions`
      )
    return agents.length
  }).pipe(
    Effect.catchAll((e) => Effect.as(Effect.logWarning("earlier sessions not cleared", e), 0)),
    Effect.withSpan("SessionReaper.clearEarlierIncarnation")
  )

/**
 * One check. A node is acted on only once it is absent from the members on two checks in a row:
 * a node that has just joined may have opened a socket before this node's view lists it. Of the
 * members, only the rendezvous winner of `node-gone:<id>` tells the agents, so N survivors do not
 * send N copies; a copy (views differ for a moment) finds nothing left to drop.
 */
const check = (suspects: Set<string>, offlineAfterMs: number) =>
  Effect.gen(function* () {
    const sys = yield* ActorSystem
    const holders = yield* sessionHolders(yield* tableKind)
    const held = new Set(holders.flatMap((h) => h.nodes).filter((n) => n !== sys.node))
    if (held.size === 0) return suspects.clear()
    const members = (yield* sys.members).map((n) => n.id)
    for (const node of suspects) if (!held.has(node) || members.includes(node)) suspects.delete(node)
    for (const node of held) {
      if (members.includes(node)) continue
      if (!suspects.has(node)) {
        suspects.add(node)
        continue
      }
      if (winner(members, `node-gone:${node}`) !== sys.node) continue
      const agents = holdersOn(holders, node)
      yield* tellGone(agents, NodeGone.make({ node, offlineAfterMs }))
      yield* Effect.logInfo(`node ${node} gone: cleared ${agents.length} agent sessions`)
    }
  }).pipe(
    Effect.catchAllCause((cause) => Effect.logWarning("session check failed", cause)),
    Effect.withSpan("SessionReaper.check")
  )

/** Clears this node's earlier sessions, then checks for gone nodes until the scope closes. */
export const start = (settings: SessionReaperSettings): Effect.Effect<void, never, Services | Scope.Scope> =>
  Effect.gen(function* () {
    const suspects = new Set<string>()
    yield* clearEarlierIncarnation(settings.offlineAfterMs).pipe(
      Effect.zipRight(
        check(suspects, settings.offlineAfterMs).pipe(
          Effect.repeat(Schedule.spaced(settings.checkEvery)),
          Effect.delay(settings.checkEvery)
        )
      ),
      Effect.annotateLogs({ service: "SessionReaper" }),
      Effect.forkScoped
    )
  })
