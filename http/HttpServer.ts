import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import { Effect, type Scope } from "effect"
import type { Hono } from "hono"
import type { HttpConfigShape } from "./HttpConfig.ts"

export interface Listening {
  readonly server: Server
  readonly port: number
  readonly url: string
}

/**
 * Serves `app` until the scope closes. Closing stops accepting at once and gives open requests
 * a moment before their sockets are cut, so shutdown stays inside its 10 s budget.
 */
export const listen = (
  app: Hono,
  config: Pick<HttpConfigShape, "port" | "host">,
  onServer: (server: Server) => void = () => {}
): Effect.Effect<Listening, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<Listening>((resume) => {
      const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info: AddressInfo) => {
        const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host
        resume(Effect.succeed({ server: server as Server, port: info.port, url: `http://${host}:${info.port}` }))
      })
      onServer(server as Server)
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        const force = setTimeout(() => server.closeAllConnections(), 3000)
        server.close(() => {
          clearTimeout(force)
          resume(Effect.void)
        })
        server.closeIdleConnections()
      })
  )
