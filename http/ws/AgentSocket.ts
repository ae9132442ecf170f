import { Deferred, Effect, Fiber, Runtime } from "effect"
import { Hono } from "hono"
import type { UpgradeWebSocket } from "hono/ws"
import type { WebSocket } from "ws"
import { bearerOf } from "../auth/Authenticator.ts"
import { clientAddress } from "../ClientAddress.ts"
import * as Connection from "./Connection.ts"
import * as Session from "./Session.ts"
import * as SocketAdmission from "./SocketAdmission.ts"
import * as SocketSettings from "./SocketSettings.ts"

export type SocketServices = Session.SessionServices

const lastEventIdOf = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d{1,15}$/.test(value)) return undefined
  return Number(value)
}

/**
 * `GET /ws`: the Agent Workspace socket (protocol in `Protocol.ts`). The token comes in the
 * `Authorization` header or, for browsers (which cannot set headers on a WebSocket), in the first
 * `hello`; a header client may resume with `?lastEventId=`. Each socket runs as one fiber that
 * ends when the socket closes.
 */
const routes = (
  runtime: Runtime.Runtime<SocketServices>,
  upgrade: UpgradeWebSocket<WebSocket>,
  overrides: Partial<SocketSettings.SocketSettings>
) => {
  const settings = SocketSettings.load(overrides)
  const app = new Hono()
  const fork = Runtime.runFork(runtime)
  const runSync = Runtime.runSync(runtime)
  const open = new Map<Connection.Connection, Fiber.RuntimeFiber<void>>()
  const admission = SocketAdmission.make(settings)
  app.get(
    "/ws",
    admission.middleware,
    upgrade((c) => {
      const header = bearerOf(c.req.header("authorization"))
      const lastEventId = lastEventIdOf(c.req.query("lastEventId"))
      const address = clientAddress(c, settings.trustedProxyHops)
      let connection: Connection.Connection | undefined
      let release = () => {}
      return {
        onOpen: (_event, ws) => {
          const raw = ws.raw
          if (raw === undefined) return
          release = admission.hold(address)
          const opened = Effect.runSync(Connection.make(raw, settings))
          connection = opened
          const authenticated = Effect.sync(() => release())
          const fiber = fork(Effect.scoped(Session.run(opened, header, lastEventId, settings, authenticated)))
          open.set(opened, fiber)
          fiber.addObserver(() => {
            release()
            open.delete(opened)
          })
        },
        onMessage: (event) => {
          if (connection === undefined) return
          const data = typeof event.data === "string" ? event.data : "\u0000binary"
          runSync(connection.receive(data))
        },
        onClose: (event) => {
          release()
          if (connection !== undefined) Deferred.unsafeDone(connection.closed, Effect.succeed(event.code))
        }
      }
    })
  )
  return { app, open }
}

/** How long a stopping node waits for its sockets' sessions to end (and tell the agents' actors). */
const drainSessions = "3 seconds"
const goingAway = 1001

export interface AgentSocket {
  readonly app: Hono
  /**
   * Closes every socket with 1001 (the client reconnects, to another node) and waits briefly for
   * their sessions to end while the bus is still up, so each agent's actor hears that the socket
   * closed: a stopping node never leaves an agent counted as connected with offers waiting on them.
   * Run it before the HTTP server closes, which an open WebSocket would otherwise hold up.
   */
  readonly close: Effect.Effect<void>
}

export const make = (
  runtime: Runtime.Runtime<SocketServices>,
  upgrade: UpgradeWebSocket<WebSocket>,
  overrides: Partial<SocketSettings.SocketSettings> = {}
): AgentSocket => {
  const { app, open } = routes(runtime, upgrade, overrides)
  const close = Effect.gen(function* () {
    const fibers = [...open.values()]
    // The session ends now, not when (or whether) the client answers the close.
    yield* Effect.forEach(
      [...open.keys()],
      (c) => Effect.zipRight(c.close(goingAway, "server going away"), Deferred.succeed(c.closed, goingAway)),
      { discard: true }
    )
    yield* Fiber.awaitAll(fibers).pipe(Effect.timeout(drainSessions), Effect.ignore)
  })
  return { app, close }
}
