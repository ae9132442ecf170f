import { Deferred, Effect, Queue, Runtime } from "effect"
import { Hono } from "hono"
import type { UpgradeWebSocket } from "hono/ws"
import type { WebSocket } from "ws"
import { bearerOf } from "../auth/Authenticator.ts"
import * as Connection from "./Connection.ts"
import * as Session from "./Session.ts"
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
export const routes = (
  runtime: Runtime.Runtime<SocketServices>,
  upgrade: UpgradeWebSocket<WebSocket>,
  overrides: Partial<SocketSettings.SocketSettings> = {}
): Hono => {
  const settings = SocketSettings.load(overrides)
  const app = new Hono()
  const fork = Runtime.runFork(runtime)
  app.get(
    "/ws",
    upgrade((c) => {
      const header = bearerOf(c.req.header("authorization"))
      const lastEventId = lastEventIdOf(c.req.query("lastEventId"))
      let connection: Connection.Connection | undefined
      return {
        onOpen: (_event, ws) => {
          const raw = ws.raw
          if (raw === undefined) return
          connection = Effect.runSync(Connection.make(raw, settings))
          fork(Effect.scoped(Session.run(connection, header, lastEventId, settings)))
        },
        onMessage: (event) => {
          if (connection === undefined) return
          const data = typeof event.data === "string" ? event.data : "\u0000binary"
          Queue.unsafeOffer(connection.frames, data)
        },
        onClose: (event) => {
          if (connection !== undefined) Deferred.unsafeDone(connection.closed, Effect.succeed(event.code))
        }
      }
    })
  )
  return app
}
