import { Duration } from "effect"
import type { StreamSpec } from "../Bus.ts"

export const millis = (input: Duration.DurationInput): number => Duration.toMillis(Duration.decode(input))

/** JetStream configuration durations are integer nanoseconds. */
export const nanos = (input: Duration.DurationInput): number => Math.round(millis(input) * 1_000_000)

/**
 * JetStream refuses a duplicate window longer than `max_age`, and a `max_age` under 100 ms;
 * both layers clamp the window so a dead-letter stream with a short age still validates.
 */
export const duplicateWindowMillis = (spec: StreamSpec): number => {
  const window = millis(spec.duplicateWindow)
  return spec.maxAge === undefined ? window : Math.min(window, millis(spec.maxAge))
}

export const minimumMaxAgeMillis = 100
