import type { Context, Next } from "hono"
import { clientAddress } from "../ClientAddress.ts"

/**
 * Who may open `/ws`, checked before the upgrade. A browser's `Origin` must be the node's own (the
 * request's `Host`: the Agent Workspace served by this node) or one configured; a request without
 * `Origin` is a program, not a page another site could drive, and is let in. And one client
 * address may hold only so many sockets that have not authenticated yet.
 */
export interface SocketAdmission {
  readonly middleware: (c: Context, next: Next) => Promise<Response | undefined>
  /** Counts a socket of `address` as unauthenticated; the returned function uncounts it (once). */
  readonly hold: (address: string) => () => void
}

export const make = (options: {
  readonly allowedOrigins: ReadonlyArray<string>
  readonly maxUnauthenticatedPerAddress: number
  readonly trustedProxyHops: number
}): SocketAdmission => {
  const unauthenticated = new Map<string, number>()
  const sameOrigin = (origin: string, host: string | undefined) => {
    try {
      return host !== undefined && new URL(origin).host === host.toLowerCase()
    } catch {
      return false
    }
  }
  return {
    middleware: async (c, next) => {
      const origin = c.req.header("origin")
      if (origin !== undefined && !options.allowedOrigins.includes(origin) && !sameOrigin(origin, c.req.header("host")))
        return c.json({ error: { code: "forbidden", message: `origin ${origin} may not open the agent socket` } }, 403)
      const address = clientAddress(c, options.trustedProxyHops)
      if ((unauthenticated.get(address) ?? 0) >= options.maxUnauthenticatedPerAddress)
        return c.json({ error: { code: "too_many_requests", message: "too many sockets waiting to sign in" } }, 429, {
          "retry-after": "10"
        })
      await next()
      return undefined
    },
    hold: (address) => {
      unauthenticated.set(address, (unauthenticated.get(address) ?? 0) + 1)
      let released = false
      return () => {
        if (released) return
        released = true
        const left = (unauthenticated.get(address) ?? 1) - 1
        if (left <= 0) unauthenticated.delete(address)
        else unauthenticated.set(address, left)
      }
    }
  }
}
