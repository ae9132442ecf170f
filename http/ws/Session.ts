import { randomUUID } from "node:crypto"
import { Clock, Deferred, Effect, Either, Option, Queue, Schema, type Scope } from "effect"
import { Agent, AgentStatus, SocketClosed, SocketOpened } from "../../actors/agent/AgentProtocol.ts"
import type { Db } from "../../db/Db.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import { Authenticator } from "../auth/Authenticator.ts"
import { isAgent, type Principal } from "../auth/Principal.ts"
import { oneLine } from "../InputError.ts"
import { admit } from "./Admission.ts"
import { type CommandRefused, forbidden } from "./CommandRefused.ts"
import { execute } from "./Commands.ts"
import type { Connection } from "./Connection.ts"
import * as Delivery from "./Delivery.ts"
import {
  Command,
  type CommandType,
  closeCodes,
  commandTypes,
  type ErrorCode,
  maxFrameBytes,
  version
} from "./Protocol.ts"
import type { SocketSettings } from "./SocketSettings.ts"

export type SessionServices = Authenticator | Db | ActorSystem

/** Frames larger than this are refused without decoding (the socket's `maxPayload` stops bigger ones first). */
const maxFrameChars = maxFrameBytes

const decodeCommand = Schema.decodeUnknownEither(Command, { errors: "all" })

const isCommandType = (type: unknown): type is CommandType =>
  typeof type === "string" && (commandTypes as ReadonlyArray<string>).includes(type)

type Refused = { readonly ref: string | undefined; readonly reason: string }

/**
 * A frame as a command, or why not in one line naming the field. The `type` is checked first, so
 * a known command's mistake is told against that command alone, not against every alternative.
 */
export const parse = (frame: string): Either.Either<Command, Refused> => {
  if (frame.length > maxFrameChars)
    return Either.left({ ref: undefined, reason: `frame over ${maxFrameChars} characters` })
  let json: unknown
  try {
    json = JSON.parse(frame)
  } catch {
    return Either.left({ ref: undefined, reason: "the frame is not JSON" })
  }
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return Either.left({ ref: undefined, reason: "a command is a JSON object with v, type and ref" })
  const ref = "ref" in json && typeof json.ref === "string" ? json.ref : undefined
  const type = "type" in json ? json.type : undefined
  if (!isCommandType(type))
    return Either.left({
      ref,
      reason:
        type === undefined
          ? "type is missing"
          : `type: unknown command ${JSON.stringify(type)}; expected one of ${commandTypes.join(", ")}`
    })
  try {
    return Either.mapLeft(decodeCommand(json), (e) => ({
      ref,
      // The other commands' complaints about `type` say nothing about this one.
      reason: oneLine(e, { skip: (issue) => issue.path.length === 1 && issue.path[0] === "type" })
    }))
  } catch {
    // Effect's union decoding throws on a discriminator whose own toString is not a function
    // (`{"type":{"toString":{}}}`); that is a malformed frame like any other.
    return Either.left({ ref, reason: "the frame could not be read" })
  }
}

const errorFrame = (connection: Connection, ref: string | undefined, code: ErrorCode, reason: string) =>
  connection.send({ v: version, type: "error", ...(ref !== undefined ? { ref } : {}), code, reason })

interface Authenticated {
  readonly principal: Principal
  /** From the `hello` that carried the token. */
  readonly lastEventId?: number | undefined
  readonly seen?: ReadonlyArray<number> | undefined
}

/**
 * Who the socket is: the bearer of the upgrade request, or else the token of the first `hello`
 * (browsers cannot set headers). Frames that are not JSON commands get `invalid_command` while it
 * waits; anything else first, a bad token, or nothing in time closes the socket with 4401.
 */
const authenticate = (connection: Connection, header: string | undefined, helloTimeoutMs: number) =>
  Effect.gen(function* () {
    const auth = yield* Authenticator
    if (header !== undefined)
      return Option.map(
        Option.getRight(yield* Effect.either(auth.authenticate(header))),
        (principal): Authenticated => ({
          principal
        })
      )
    const hello = yield* Effect.gen(function* () {
      while (true) {
        const frame = yield* Queue.take(connection.frames)
        const parsed = parse(frame)
        if (Either.isLeft(parsed)) {
          yield* errorFrame(connection, parsed.left.ref, "invalid_command", parsed.left.reason)
          continue
        }
        return parsed.right
      }
    }).pipe(Effect.timeoutOption(helloTimeoutMs))
    const first = Option.getOrUndefined(hello)
    if (first?.type !== "hello" || first.token === undefined) return Option.none<Authenticated>()
    return Option.map(Option.getRight(yield* Effect.either(auth.authenticate(first.token))), (principal) => ({
      principal,
      lastEventId: first.lastEventId,
      seen: first.seen
    }))
  })

const welcome = (
  connection: Connection,
  user: Principal,
  node: string,
  sessionId: string,
  status: Option.Option<unknown>
) =>
  connection.send({
    v: version,
    type: "welcome",
    user,
    node,
    sessionId,
    ...(Option.isSome(status) ? { status: status.value } : {})
  })

const statusOf = (agentId: string) =>
  Effect.flatMap(ActorSystem, (sys) => sys.ask(Agent, agentId, new AgentStatus(), { timeout: "2 seconds" })).pipe(
    Effect.option
  )

/**
 * One socket from open to close. An agent's (or manager's) socket registers with their actor, so
 * the actor knows when the last one closes, and receives their events; a customer's gets a
 * `forbidden` for every command. Commands run one at a time, in the order sent.
 */
export const run = (
  connection: Connection,
  header: string | undefined,
  queryLastEventId: number | undefined,
  settings: SocketSettings,
  authenticated: Effect.Effect<void> = Effect.void
): Effect.Effect<void, never, SessionServices | Scope.Scope> =>
  Effect.gen(function* () {
    const sys = yield* ActorSystem
    const who = yield* authenticate(connection, header, settings.helloTimeoutMs).pipe(
      Effect.catchAll(() => Effect.succeed(Option.none()))
    )
    if (Option.isNone(who)) {
      yield* errorFrame(connection, undefined, "unauthenticated", "a valid token is required")
      yield* connection.close(closeCodes.unauthenticated, "unauthenticated")
      return
    }
    yield* authenticated
    const { principal, lastEventId, seen } = who.value
    const sessionId = randomUUID()
    const agent = isAgent(principal)
    const annotations = { user: principal.login, userId: principal.userId, node: sys.node, sessionId }
    yield* Effect.logInfo("ws: connected").pipe(Effect.annotateLogs(annotations))
    yield* Effect.addFinalizer(() =>
      Deferred.poll(connection.closed).pipe(
        Effect.flatMap(Option.match({ onNone: () => Effect.succeed(0), onSome: (code) => code })),
        Effect.flatMap((code) => Effect.logInfo("ws: disconnected").pipe(Effect.annotateLogs({ ...annotations, code })))
      )
    )
    if (!agent) {
      yield* welcome(connection, principal, sys.node, sessionId, Option.none())
      yield* commandLoop(connection, principal, () => Effect.void)
      return
    }
    // The clock membership stamps this node's `startedAt` with: a restart tells its earlier sessions apart by it.
    const openedAt = yield* Clock.currentTimeMillis
    yield* sys
      .tell(Agent, principal.userId, SocketOpened.make({ sessionId, node: sys.node, openedAt }))
      .pipe(Effect.ignoreLogged)
    yield* Effect.addFinalizer(() =>
      sys
        .tell(Agent, principal.userId, SocketClosed.make({ sessionId, offlineAfterMs: settings.offlineAfterMs }))
        .pipe(Effect.ignoreLogged)
    )
    // Subscribed before the status is read, so nothing that happens after it is missed.
    const delivery = yield* Delivery.start(connection, principal.userId, settings.resumeLimit)
    yield* welcome(connection, principal, sys.node, sessionId, yield* statusOf(principal.userId))
    const from = lastEventId ?? queryLastEventId
    if (from !== undefined) yield* delivery.resume(from, seen)
    yield* delivery.open
    yield* commandLoop(connection, principal, delivery.resume)
  }).pipe(Effect.raceFirst(Deferred.await(connection.closed).pipe(Effect.asVoid)))

type Resume = (afterId: number, seen?: ReadonlyArray<number>) => Effect.Effect<void>

/** A `hello` after the socket is open: only a resume (its token, if any, is not looked at again). */
const hello = (
  principal: Principal,
  command: { readonly lastEventId?: number | undefined; readonly seen?: ReadonlyArray<number> | undefined },
  resume: Resume
) =>
  !isAgent(principal)
    ? Effect.fail(forbidden())
    : command.lastEventId === undefined
      ? Effect.succeed(undefined)
      : Effect.as(resume(command.lastEventId, command.seen), undefined)

const commandLoop = (connection: Connection, principal: Principal, resume: Resume) =>
  Effect.gen(function* () {
    while (true) {
      const frame = yield* Queue.take(connection.frames)
      const parsed = parse(frame)
      if (Either.isLeft(parsed)) {
        yield* errorFrame(connection, parsed.left.ref, "invalid_command", parsed.left.reason)
        continue
      }
      const command = parsed.right
      const outcome: Either.Either<Readonly<Record<string, unknown>> | undefined, CommandRefused> =
        yield* Effect.either(
          command.type === "hello"
            ? hello(principal, command, resume)
            : Effect.zipRight(admit, execute(principal, command))
        )
      yield* Either.match(outcome, {
        onLeft: (e) => errorFrame(connection, command.ref, e.code, e.reason),
        onRight: (result) =>
          connection.send({ v: version, type: "ack", ref: command.ref, ...(result !== undefined ? { result } : {}) })
      })
    }
  })
