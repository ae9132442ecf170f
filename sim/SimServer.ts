import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import { Effect, type Scope } from "effect"
import type { Hono } from "hono"

/**
 * Serves the simulator's gateway until the scope closes. The simulator stands for Apple, so it has
 * its own server and imports nothing of Parley's edge (`docs/architecture.md`).
 */
export const serveSim = (
  app: Hono,
  where: { readonly host: string; readonly port: number }
): Effect.Effect<{ readonly url: string }, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: Server; readonly url: string }>((resume) => {
      const server = serve({ fetch: app.fetch, port: where.port, hostname: where.host }, (info: AddressInfo) => {
        resume(Effect.succeed({ server: server as Server, url: `http://${where.host}:${info.port}` }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.close(() => resume(Effect.void))
        server.closeAllConnections()
      })
  )
