import { createHash, timingSafeEqual } from "node:crypto"
import { Effect, Metric, MetricState, Option, Redacted } from "effect"
import { Hono } from "hono"

const escapeLabel = (value: string): string => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")

const labels = (tags: ReadonlyArray<{ readonly key: string; readonly value: string }>, extra = ""): string => {
  const parts = tags.map((t) => `${t.key}="${escapeLabel(t.value)}"`)
  if (extra !== "") parts.push(extra)
  return parts.length === 0 ? "" : `{${parts.join(",")}}`
}

/** Every Effect metric of this process in the Prometheus text format (0.0.4). */
export const render: Effect.Effect<string> = Effect.map(Metric.snapshot, (pairs) => {
  const lines: Array<string> = []
  const described = new Set<string>()
  for (const { metricKey, metricState } of pairs) {
    const name = metricKey.name.replace(/[^a-zA-Z0-9_:]/g, "_")
    const tags = metricKey.tags
    const head = (type: string) => {
      if (described.has(name)) return
      described.add(name)
      const help = metricKey.description._tag === "Some" ? metricKey.description.value : name
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    }
    if (MetricState.isCounterState(metricState)) {
      head("counter")
      lines.push(`${name}${labels(tags)} ${metricState.count}`)
    } else if (MetricState.isGaugeState(metricState)) {
      head("gauge")
      lines.push(`${name}${labels(tags)} ${metricState.value}`)
    } else if (MetricState.isHistogramState(metricState)) {
      head("histogram")
      for (const [bound, count] of metricState.buckets) {
        const le = Number.isFinite(bound) ? String(bound) : "+Inf"
        lines.push(`${name}_bucket${labels(tags, `le="${le}"`)} ${count}`)
      }
      lines.push(`${name}_sum${labels(tags)} ${metricState.sum}`, `${name}_count${labels(tags)} ${metricState.count}`)
    }
  }
  return `${lines.join("\n")}\n`
})

/**
 * `GET /metrics` for Prometheus scrapes. With a token (`METRICS_TOKEN`) a scrape must send it as
 * the bearer; the comparison takes the same time whatever the token given.
 */
export const routes = (token: Option.Option<Redacted.Redacted> = Option.none()): Hono => {
  const app = new Hono()
  const expected = Option.map(token, (t) => createHash("sha256").update(Redacted.value(t)).digest())
  app.get("/metrics", async (c) => {
    if (Option.isSome(expected)) {
      const given = createHash("sha256")
        .update(c.req.header("authorization")?.replace(/^Bearer\s+/i, "") ?? "")
        .digest()
      if (!timingSafeEqual(given, expected.value)) return c.text("metrics need the METRICS_TOKEN bearer\n", 401)
    }
    return c.text(await Effect.runPromise(render), 200, { "content-type": "text/plain; version=0.0.4" })
  })
  return app
}
