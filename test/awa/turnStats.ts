import { Effect, Metric } from "effect"
import * as M from "../../runtime/Metrics.ts"

/**
 * Turn durations of one actor kind between two snapshots, from the runtime's own histogram, so a
 * load test can say where its time went. Percentiles are bucket upper bounds (the histogram's
 * boundaries double from 0.5 ms), not exact values.
 */

export interface TurnSnapshot {
  readonly count: number
  readonly sum: number
  readonly buckets: ReadonlyArray<readonly [number, number]>
}

export const snapshot = (kind: string): Effect.Effect<TurnSnapshot> =>
  Effect.map(Metric.value(Metric.tagged(M.turnDuration, "kind", kind)), (state) => ({
    count: state.count,
    sum: state.sum,
    buckets: state.buckets
  }))

const quantile = (buckets: ReadonlyArray<readonly [number, number]>, total: number, q: number): number => {
  const want = Math.ceil(total * q)
  for (const [bound, cumulative] of buckets) if (cumulative >= want) return bound
  return Number.POSITIVE_INFINITY
}

/** "kind: n turns, mean x ms, p50 ≤ y ms, p99 ≤ z ms" for the turns between `before` and `after`. */
export const describe = (kind: string, before: TurnSnapshot, after: TurnSnapshot): string => {
  const count = after.count - before.count
  if (count === 0) return `${kind}: no turns`
  const buckets = after.buckets.map(([bound, n], i) => [bound, n - (before.buckets[i]?.[1] ?? 0)] as const)
  const ms = (seconds: number) => (seconds * 1000).toFixed(1)
  return `${kind}: ${count} turns, mean ${ms((after.sum - before.sum) / count)} ms, p50 ≤ ${ms(quantile(buckets, count, 0.5))} ms, p99 ≤ ${ms(quantile(buckets, count, 0.99))} ms`
}
