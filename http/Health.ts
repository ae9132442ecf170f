import { Effect, type Runtime } from "effect"
import { Hono } from "hono"
import { Db } from "../db/Db.ts"
import { Bus } from "../runtime/Bus.ts"

const probeTimeout = "2 seconds"

/**
 * `/healthz`: the process answers. `/readyz`: the bus and the database answer too; a 503 names
 * the failing part so an operator (or a load balancer log) knows where to look.
 */
export const routes = (runtime: Runtime.Runtime<Bus | Db>): Hono => {
  const app = new Hono()
  app.get("/healthz", (c) => c.json({ status: "ok" }))
  app.get("/readyz", async (c) => {
    const check = (part: string, probe: Effect.Effect<void, unknown>) =>
      probe.pipe(
        Effect.timeout(probeTimeout),
        Effect.as({ part, ok: true as boolean }),
        Effect.catchAll((e) => Effect.logWarning(`readyz: ${part} unavailable`, e).pipe(Effect.as({ part, ok: false })))
      )
    const results = await Effect.runPromise(
      Effect.all(
        [Effect.flatMap(Bus, (bus) => check("bus", bus.ping)), Effect.flatMap(Db, (db) => check("database", db.ping))],
        { concurrency: "unbounded" }
      ).pipe(Effect.provide(runtime))
    )
    const failing = results.filter((r) => !r.ok).map((r) => r.part)
    return failing.length === 0
      ? c.json({ status: "ready" })
      : c.json({ status: "unavailable", failing, reason: `${failing.join(" and ")} not reachable` }, 503)
  })
  return app
}
