import { Effect, type Runtime } from "effect"
import { Hono } from "hono"
import type { UpgradeWebSocket } from "hono/ws"
import type { WebSocket } from "ws"
import { Authenticator, bearerOf } from "../auth/Authenticator.ts"

export type SocketServices = Authenticator

/**
 * `GET /ws`: the Agent Workspace socket. The token comes in the `Authorization` header or, for
 * browsers (which cannot set headers on a WebSocket), as the first message.
 */
export const routes = (runtime: Runtime.Runtime<SocketServices>, upgrade: UpgradeWebSocket<WebSocket>): Hono => {
  const app = new Hono()
  const run = <A, E>(effect: Effect.Effect<A, E, SocketServices>) =>
    Effect.runPromiseExit(Effect.provide(effect, runtime))
  app.get(
    "/ws",
    upgrade((c) => {
      const header = bearerOf(c.req.header("authorization"))
      return {
        onOpen: async (_event, ws) => {
          if (header === undefined) return
          const exit = await run(Effect.flatMap(Authenticator, (a) => a.authenticate(header)))
          if (exit._tag === "Failure") ws.close(4401, "unauthenticated")
          else ws.send(JSON.stringify({ v: 1, type: "welcome", user: exit.value }))
        }
      }
    })
  )
  return app
}
