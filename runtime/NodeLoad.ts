import { monitorEventLoopDelay } from "node:perf_hooks"
import { Context, Effect, Layer, Metric, Option } from "effect"

/**
 * How busy this process's event loop is, and whether the node should refuse new work for now.
 * Node's `monitorEventLoopDelay` histogram is read and reset every `sampleEvery`; the delay that
 * counts is the largest of the last two windows, so one quiet window does not hide a stall.
 * Shedding starts once that delay passes `shedAbove` and stops when it falls under half of it
 * (hysteresis, so a node at the edge does not flap). The threshold sits well below the lease's
 * margin (docs/cluster.md, "Busy is not dead"): new work is refused long before a late
 * renewal could cost the node its partitions.
 */

export interface NodeLoadSettings {
  /** Delay (ms) past which new work is refused. */
  readonly shedAbove: number
  /** How often the histogram is read (ms). */
  readonly sampleEvery: number
}

export interface NodeLoadShape {
  /** The event-loop delay (ms) that counts now: the largest of the last two windows. */
  readonly delay: () => number
  /** Why new work is refused now, if it is. Synchronous: edges call it on every request. */
  readonly shedding: () => Option.Option<string>
  /** Counts one refused piece of work (`where`: webhook, socket). */
  readonly shed: (where: string) => void
}

export class NodeLoad extends Context.Tag("parley/runtime/NodeLoad")<NodeLoad, NodeLoadShape>() {}

export const loopDelay = Metric.gauge("parley_event_loop_delay_seconds", {
  description: "Event-loop delay over the last sampling window (quantile: max, p99)"
})

export const sheddingGauge = Metric.gauge("parley_load_shedding", {
  description: "1 while the node refuses new work because its event loop is late, else 0"
})

export const shedTotal = Metric.counter("parley_load_shed_total", {
  description: "Requests and commands refused because the event loop was late, by where",
  incremental: true
})

export const defaults: NodeLoadSettings = { shedAbove: 1_000, sampleEvery: 500 }

/** A node that never sheds (tests that do not measure load, the in-process demo's helpers). */
export const idle: NodeLoadShape = { delay: () => 0, shedding: () => Option.none(), shed: () => {} }

/** Measures from now until the scope closes. */
export const make = (settings: NodeLoadSettings = defaults) =>
  Effect.gen(function* () {
    const histogram = monitorEventLoopDelay({ resolution: 10 })
    histogram.enable()
    let previous = 0
    let current = 0
    let shedding = false
    const max = loopDelay.pipe(Metric.tagged("quantile", "max"))
    const p99 = loopDelay.pipe(Metric.tagged("quantile", "p99"))
    const sample = () => {
      // Nanoseconds; an empty window reports a huge minimum and a max of 0.
      const windowMax = histogram.count === 0 ? 0 : histogram.max / 1e6
      const windowP99 = histogram.count === 0 ? 0 : histogram.percentile(99) / 1e6
      histogram.reset()
      previous = current
      current = windowMax
      const delay = Math.max(previous, current)
      if (!shedding && delay > settings.shedAbove) shedding = true
      else if (shedding && delay < settings.shedAbove / 2) shedding = false
      max.unsafeUpdate(windowMax / 1000, [])
      p99.unsafeUpdate(windowP99 / 1000, [])
      sheddingGauge.unsafeUpdate(shedding ? 1 : 0, [])
    }
    yield* Effect.acquireRelease(
      Effect.sync(() => setInterval(sample, settings.sampleEvery).unref()),
      (t) =>
        Effect.sync(() => {
          clearInterval(t)
          histogram.disable()
        })
    )
    const delay = () => Math.max(previous, current)
    return {
      delay,
      shedding: () =>
        shedding
          ? Option.some(`node overloaded: event loop ${Math.round(delay())} ms late (limit ${settings.shedAbove} ms)`)
          : Option.none(),
      shed: (where: string) => shedTotal.pipe(Metric.tagged("where", where)).unsafeUpdate(1, [])
    } satisfies NodeLoadShape
  })

export const layer = (settings: NodeLoadSettings = defaults): Layer.Layer<NodeLoad> =>
  Layer.scoped(NodeLoad, make(settings))
