import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { serve } from "@hono/node-server"
import { Effect, type Scope } from "effect"
import type { Hono } from "hono"
import type { HttpConfigShape } from "./HttpConfig.ts"

export interface Listening {
  readonly server: Server
  /** The address the socket is bound to, as the OS reports it (`0.0.0.0`, `::`, `127.0.0.1`, …). */
  readonly address: string
  readonly port: number
  /** Where this machine reaches the server: loopback when bound to every interface. */
  readonly url: string
}

const wildcard = (address: string) => address === "0.0.0.0" || address === "::"
const loopback = (address: string) => address === "::1" || address.startsWith("127.")

/**
 * The start-up line's words for where the server listens: the real bind address (an operator
 * must see that `0.0.0.0` is every interface, not loopback) and the URL this machine uses.
 */
export const describeListening = (listening: Pick<Listening, "address" | "port" | "url">): string => {
  const bound = listening.address.includes(":")
    ? `[${listening.address}]:${listening.port}`
    : `${listening.address}:${listening.port}`
  return wildcard(listening.address)
    ? `${bound}, every interface (${listening.url} from this machine)`
    : loopback(listening.address)
      ? `${bound}, this machine only (${listening.url})`
      : `${bound} (${listening.url})`
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
        const host = wildcard(info.address)
          ? "127.0.0.1"
          : info.address.includes(":")
            ? `[${info.address}]`
            : info.address
        resume(
          Effect.succeed({
            server: server as Server,
            address: info.address,
            port: info.port,
            url: `http://${host}:${info.port}`
          })
        )
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
