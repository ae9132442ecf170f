import { randomUUID } from "node:crypto"
import { Data, Deferred, Effect, Either, Option, Queue, Schema, type Scope } from "effect"
import WebSocket from "ws"
import type { AgentEvent } from "../../actors/agent/AgentEvents.ts"
import { Principal } from "../../http/auth/Principal.ts"
import { Command, ServerMessage, version } from "../../http/ws/Protocol.ts"

/**
 * A live agent against real Parley processes: signs in over HTTP and works through the Agent
 * Workspace socket of one chosen node, as the browser does. Frames in both directions go through
 * the protocol's Schemas, so a server that drifts from `http/ws/Protocol.ts` fails the test here.
 */

export class ClusterAgentError extends Data.TaggedError("ClusterAgentError")<{
  readonly reason: string
  readonly cause?: unknown
}> {}

const SignedIn = Schema.Struct({ token: Schema.String, user: Principal })

type ServerFrame = typeof ServerMessage.Type
type Welcome = Extract<ServerFrame, { readonly type: "welcome" }>
type Reply = Extract<ServerFrame, { readonly type: "ack" | "error" }>
type ErrorFrame = Extract<ServerFrame, { readonly type: "error" }>

/** A command as the test writes it: the client adds the version and its own `ref`. */
type Omitted<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
export type Outgoing = Omitted<Command, "v" | "ref">

const decodeFrame = Schema.decodeUnknownEither(Schema.parseJson(ServerMessage))
const encodeCommand = Schema.encodeEither(Schema.parseJson(Command))

export interface SignedInAgent {
  readonly token: string
  readonly userId: string
  readonly displayName: string
}

/** `POST /api/login` on `nodeUrl`. */
export const login = (
  nodeUrl: string,
  user: string,
  password: string
): Effect.Effect<SignedInAgent, ClusterAgentError> =>
  Effect.tryPromise({
    try: async () => {
      const response = await fetch(`${nodeUrl}/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ login: user, password })
      })
      return { status: response.status, body: (await response.json()) as unknown }
    },
    catch: (cause) => new ClusterAgentError({ reason: `login of ${user} failed`, cause })
  }).pipe(
    Effect.filterOrFail(
      (r) => r.status === 200,
      (r) => new ClusterAgentError({ reason: `login of ${user} answered ${r.status}` })
    ),
    Effect.flatMap((r) => Schema.decodeUnknown(SignedIn)(r.body)),
    Effect.map((s) => ({ token: s.token, userId: s.user.userId, displayName: s.user.displayName })),
    Effect.mapError((e) =>
      e instanceof ClusterAgentError ? e : new ClusterAgentError({ reason: "login answer undecodable", cause: e })
    )
  )

export interface ClusterAgent {
  readonly welcome: Welcome
  /** Every event received, in arrival order. */
  readonly events: ReadonlyArray<AgentEvent>
  /** `error` frames received (a refused command's frame is also its reply). */
  readonly errors: ReadonlyArray<ErrorFrame>
  /** Frames that did not decode against the protocol. */
  readonly undecodable: ReadonlyArray<string>
  /** Sends a command and waits for its `ack`; an `error` reply fails. */
  readonly command: (command: Outgoing) => Effect.Effect<Reply, ClusterAgentError>
  /** The first event (from the socket's first) matching `predicate`, waiting up to `within` ms. */
  readonly nextEvent: (
    predicate: (e: AgentEvent) => boolean,
    what: string,
    within?: number
  ) => Effect.Effect<AgentEvent, ClusterAgentError>
  /** The close code once the socket has closed (by either side, or failed). */
  readonly closeCode: () => Option.Option<number>
}

/** Opens `/ws` on `nodeUrl` with the bearer `token` and waits for the `welcome`; closed with the scope. */
export const connect = (nodeUrl: string, token: string): Effect.Effect<ClusterAgent, ClusterAgentError, Scope.Scope> =>
  Effect.gen(function* () {
    const raw = new WebSocket(`${nodeUrl.replace(/^http/, "ws")}/ws`, { headers: { authorization: `Bearer ${token}` } })
    yield* Effect.addFinalizer(() => Effect.sync(() => raw.terminate()))
    const welcome = yield* Deferred.make<Welcome, ClusterAgentError>()
    const replies = new Map<string, Deferred.Deferred<Reply>>()
    const events: Array<AgentEvent> = []
    const errors: Array<ErrorFrame> = []
    const undecodable: Array<string> = []
    const arrivals = yield* Queue.unbounded<void>()
    let closed: number | undefined

    raw.on("message", (data) => {
      const text = String(data)
      const frame = decodeFrame(text)
      if (Either.isLeft(frame)) {
        undecodable.push(text)
        return
      }
      const f = frame.right
      switch (f.type) {
        case "welcome":
          Deferred.unsafeDone(welcome, Effect.succeed(f))
          return
        case "event":
          events.push(f.event)
          Queue.unsafeOffer(arrivals, undefined)
          return
        case "error":
          errors.push(f)
          break
        case "ack":
          break
      }
      const waiting = f.ref === undefined ? undefined : replies.get(f.ref)
      if (waiting !== undefined) Deferred.unsafeDone(waiting, Effect.succeed(f))
    })
    const ended = (code: number) => {
      closed ??= code
      Deferred.unsafeDone(welcome, Effect.fail(new ClusterAgentError({ reason: `socket closed (${code})` })))
      Queue.unsafeOffer(arrivals, undefined)
    }
    raw.on("close", (code) => ended(code))
    raw.on("error", () => ended(1006))

    const welcomed = yield* Deferred.await(welcome).pipe(
      Effect.timeoutFail({
        duration: "20 seconds",
        onTimeout: () => new ClusterAgentError({ reason: "no welcome" })
      })
    )

    const command = (outgoing: Outgoing) =>
      Effect.gen(function* () {
        const ref = randomUUID()
        const frame = yield* Either.mapLeft(
          encodeCommand({ ...outgoing, v: version, ref }),
          (cause) => new ClusterAgentError({ reason: `${outgoing.type} does not encode`, cause })
        )
        const reply = yield* Deferred.make<Reply>()
        replies.set(ref, reply)
        raw.send(frame)
        const answer = yield* Deferred.await(reply).pipe(
          Effect.timeoutFail({
            duration: "20 seconds",
            onTimeout: () => new ClusterAgentError({ reason: `no reply to ${outgoing.type}` })
          }),
          Effect.ensuring(Effect.sync(() => replies.delete(ref)))
        )
        if (answer.type === "error")
          return yield* new ClusterAgentError({ reason: `${outgoing.type} refused: ${answer.code} ${answer.reason}` })
        return answer
      })

    const nextEvent = (predicate: (e: AgentEvent) => boolean, what: string, within = 30_000) =>
      Effect.gen(function* () {
        while (true) {
          const found = events.find(predicate)
          if (found !== undefined) return found
          if (closed !== undefined) return yield* new ClusterAgentError({ reason: `socket closed (${closed})` })
          yield* Queue.take(arrivals)
        }
      }).pipe(
        Effect.timeoutFail({
          duration: within,
          onTimeout: () => new ClusterAgentError({ reason: `no event: ${what}` })
        })
      )

    return {
      welcome: welcomed,
      events,
      errors,
      undecodable,
      command,
      nextEvent,
      closeCode: () => Option.fromNullable(closed)
    }
  })
