import { Option } from "effect"
import type { MiddlewareHandler } from "hono"
import type { NodeLoadShape } from "../runtime/NodeLoad.ts"

/** Seconds a refused caller is told to wait: about two sampling windows of the loop-delay monitor. */
const retryAfterSeconds = 1

/**
 * Refuses a request with 503 + `Retry-After` while the node's event loop is late, before it reads
 * the body: a refusal costs next to nothing, and Apple retries a 503 (to this node or another),
 * so nothing is lost while the node catches up instead of falling further behind. The body has the
 * webhook's own shape (`{ code, reason }`).
 */
export const shedWhenBusy = (load: NodeLoadShape, where: string): MiddlewareHandler =>
  async function shedWhenBusy(c, next) {
    const refused = load.shedding()
    if (Option.isNone(refused)) return next()
    load.shed(where)
    return c.json({ code: "overloaded", reason: refused.value }, 503, { "retry-after": String(retryAfterSeconds) })
  }
