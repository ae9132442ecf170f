import { Deferred, Effect, Schema, type Scope } from "effect"
import { AgentEvent } from "../../actors/agent/AgentEvents.ts"
import { agentTopic } from "../../actors/agent/AgentProtocol.ts"
import type { Db } from "../../db/Db.ts"
import { agentEventsSince } from "../../db/queries/agentEvents.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import type { Connection } from "./Connection.ts"
import { offerContext, stillHis } from "./OfferContext.ts"
import { closeCodes, version } from "./Protocol.ts"

/**
 * An agent's events to one socket. Live events come over the bus (`evt.agent.<id>`, from whichever
 * node ran the turn); a resume reads what the client missed from `agent_events`. Subscribing
 * comes first, then the replay, and both go through one lock and one set of ids already sent: an
 * event that is both in the table and on the bus is sent once, and none committed in between is
 * lost. Ids are not always sent in order (two actors' turns commit independently); the set, not
 * a high-water mark, is what keeps out duplicates.
 */

export interface Delivery {
  /** Sends what the agent missed after `afterId`, and below it after the lowest of `seen` (and stays live). */
  readonly resume: (afterId: number, seen?: ReadonlyArray<number>) => Effect.Effect<void>
  /** Lets live events through; until then they wait (the `welcome` and a resume go first). */
  readonly open: Effect.Effect<void>
}

const page = 500
/** Ids remembered per socket; older ones cannot come round again once their replay is long done. */
const rememberIds = 20_000
const decodeEvent = Schema.decodeUnknown(AgentEvent)

export const start = (
  connection: Connection,
  agentId: string,
  resumeLimit: number
): Effect.Effect<Delivery, never, ActorSystem | Db | Scope.Scope> =>
  Effect.gen(function* () {
    const sys = yield* ActorSystem
    const context = yield* Effect.context<Db>()
    const lock = yield* Effect.makeSemaphore(1)
    const gate = yield* Deferred.make<void>()
    const sent = new Set<number>()

    const remember = (id: number) => {
      sent.add(id)
      if (sent.size > rememberIds) {
        const oldest = sent.values().next()
        if (!oldest.done) sent.delete(oldest.value)
      }
    }

    /**
     * Offers go out with the customer's context while the offer is still this agent's (pending, or
     * accepted and the chat still theirs); a replayed offer he rejected, or that went to someone
     * else, carries none, so a resume never shows lines written after it stopped being his. If the
     * database cannot say, the offer still goes, without context.
     */
    const framed = (event: AgentEvent) => {
      const interactionId = event.body.interactionId
      const offerId = event.body.offerId
      if (event.type !== "offer" || typeof interactionId !== "string") return Effect.succeed(event)
      return stillHis(agentId, typeof offerId === "string" ? offerId : undefined, interactionId).pipe(
        Effect.flatMap((his) => (his ? offerContext(interactionId) : Effect.succeed(undefined))),
        Effect.map((context) => ({ ...event, body: { ...event.body, context: context ?? null } })),
        Effect.catchAll((e) =>
          Effect.logWarning("ws: offer context unavailable", e).pipe(
            Effect.as({ ...event, body: { ...event.body, context: null } })
          )
        ),
        Effect.provide(context)
      )
    }

    const deliver = (event: AgentEvent) =>
      Effect.gen(function* () {
        if (event.id !== null && sent.has(event.id)) return
        const out = yield* framed(event)
        const ok = yield* connection.send({ v: version, type: "event", event: out })
        if (ok && event.id !== null) remember(event.id)
      })

    yield* sys
      .events(agentTopic(agentId), (payload) =>
        decodeEvent(payload).pipe(
          Effect.flatMap((event) => Effect.zipRight(Deferred.await(gate), lock.withPermits(1)(deliver(event)))),
          Effect.catchAll((e) => Effect.logWarning("ws: undecodable agent event", e))
        )
      )
      .pipe(Effect.orDie)

    const replay = (afterId: number) =>
      Effect.gen(function* () {
        let after = afterId
        let total = 0
        while (total < resumeLimit) {
          const rows = yield* agentEventsSince(agentId, after, Math.min(page, resumeLimit - total))
          for (const row of rows) {
            yield* deliver({ id: row.id, type: row.type, at: row.at.toISOString(), body: row.body })
            after = row.id
          }
          total += rows.length
          if (rows.length < page) return
        }
        // Further behind than a resume carries: the client reloads its view over REST.
        yield* deliver({ id: null, type: "resumeTruncated", at: new Date().toISOString(), body: { afterId: after } })
      }).pipe(
        Effect.provide(context),
        // Better a reconnect (and a fresh resume) than a workspace silently missing events.
        Effect.catchAll((e) =>
          Effect.logWarning("ws: resume failed", e).pipe(
            Effect.zipRight(connection.close(closeCodes.slowConsumer, "resume failed; reconnect"))
          )
        )
      )

    return {
      resume: (afterId: number, seen: ReadonlyArray<number> = []) =>
        lock.withPermits(1)(
          Effect.suspend(() => {
            // What the client has is already sent, as far as this socket is concerned.
            for (const id of seen) remember(id)
            return replay(Math.min(afterId, ...seen))
          })
        ),
      open: Effect.asVoid(Deferred.succeed(gate, undefined))
    }
  })
