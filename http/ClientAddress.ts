import { getConnInfo } from "@hono/node-server/conninfo"
import type { Context } from "hono"

/**
 * The address a request came from: the socket's peer, or — behind `trustedProxyHops` reverse
 * proxies — the `X-Forwarded-For` entry that many places from the right (the one the nearest
 * trusted proxy saw). Entries further left are the client's to write and are never believed.
 */
export const clientAddress = (c: Context, trustedProxyHops: number): string => {
  const peer = peerOf(c)
  if (trustedProxyHops === 0) return peer
  const forwarded = (c.req.header("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  return forwarded[forwarded.length - trustedProxyHops] ?? peer
}

const peerOf = (c: Context): string => {
  try {
    return getConnInfo(c).remote.address ?? "unknown"
  } catch {
    // `app.request()` in tests has no socket behind it.
    return "unknown"
  }
}
