import { assert, describe, it } from "@effect/vitest"
import { Effect, Metric, MetricBoundaries, Option, Redacted } from "effect"
import { render, routes } from "../../http/Metrics.ts"

describe("/metrics", () => {
  it.effect("renders counters, gauges and histograms in the Prometheus text format", () =>
    Effect.gen(function* () {
      const counter = Metric.counter("parley_test_things_total", { description: "things", incremental: true })
      yield* Metric.increment(Metric.tagged(counter, "kind", 'we"ird'))
      yield* Metric.increment(Metric.tagged(counter, "kind", 'we"ird'))
      const histogram = Metric.histogram("parley_test_seconds", MetricBoundaries.fromIterable([0.1, 1]), "durations")
      yield* Metric.update(histogram, 0.5)
      const gauge = Metric.gauge("parley_test_live")
      yield* Metric.set(gauge, 7)
      const text = yield* render
      assert.include(text, "# TYPE parley_test_things_total counter")
      assert.include(text, 'parley_test_things_total{kind="we\\"ird"} 2')
      assert.include(text, "# TYPE parley_test_seconds histogram")
      assert.include(text, 'parley_test_seconds_bucket{le="1"} 1')
      assert.include(text, 'parley_test_seconds_bucket{le="0.1"} 0')
      assert.include(text, "parley_test_seconds_count 1")
      assert.include(text, "parley_test_live 7")
    })
  )

  it.effect("with METRICS_TOKEN set, answers only a scrape that sends it as the bearer", () =>
    Effect.gen(function* () {
      const app = routes(Option.some(Redacted.make("scrape-secret")))
      const status = (authorization?: string) =>
        Effect.promise(async () =>
          app.request("/metrics", authorization === undefined ? {} : { headers: { authorization } })
        ).pipe(Effect.map((r) => r.status))
      assert.strictEqual(yield* status(), 401)
      assert.strictEqual(yield* status("Bearer wrong"), 401)
      assert.strictEqual(yield* status("Bearer scrape-secret"), 200)
      assert.strictEqual(
        yield* Effect.promise(async () => routes().request("/metrics")).pipe(Effect.map((r) => r.status)),
        200
      )
    })
  )
})
