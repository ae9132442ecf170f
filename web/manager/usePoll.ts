import { useCallback, useEffect, useState } from "react"
import { api } from "../shared/api.ts"

export interface Polled<T> {
  readonly data: T | undefined
  readonly error: string | undefined
  readonly retry: () => void
}

/** A REST resource kept fresh: fetched now and every `everyMs` (live tables repaint at most once a second). */
export const usePoll = <T>(path: string | undefined, token: string, everyMs = 3_000): Polled<T> => {
  const [data, setData] = useState<T | undefined>(undefined)
  const [error, setError] = useState<string | undefined>(undefined)
  const [tick, setTick] = useState(0)
  const retry = useCallback(() => setTick((t) => t + 1), [])
  // `tick` is how Retry asks for a fetch now.
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick re-runs the effect on purpose
  useEffect(() => {
    if (path === undefined) return
    let live = true
    const load = () =>
      api<T>(path, { token }).then(
        (value) => {
          if (!live) return
          setData(value)
          setError(undefined)
        },
        (e: Error) => {
          if (live) setError(e.message.charAt(0).toUpperCase() + e.message.slice(1))
        }
      )
    void load()
    const timer = everyMs > 0 ? setInterval(load, everyMs) : undefined
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [path, token, everyMs, tick])
  return { data, error, retry }
}
