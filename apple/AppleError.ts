import { Duration, Schedule, Schema } from "effect"

/**
 * Apple call failures, split by what the sender should do. They are Schema errors so an outbox
 * entry can carry them across NATS.
 */

/** 5xx, 408/429, timeout, refused connection: try again later with the same message id. */
export class AppleRetryable extends Schema.TaggedError<AppleRetryable>()("AppleRetryable", {
  operation: Schema.String,
  status: Schema.optional(Schema.Int),
  reason: Schema.String,
  /** Apple's `Retry-After` on a 429 or 503, in milliseconds: no retry starts sooner. */
  retryAfterMillis: Schema.optional(Schema.NonNegativeInt)
}) {}

/** 400/401/403 (and unexpected answers): retrying the same request cannot succeed. */
export class ApplePermanent extends Schema.TaggedError<ApplePermanent>()("ApplePermanent", {
  operation: Schema.String,
  status: Schema.Int,
  reason: Schema.String
}) {}

/** 404 on a send: Apple does not know this customer (any more); the conversation should close. */
export class AppleUnknownDestination extends Schema.TaggedError<AppleUnknownDestination>()("AppleUnknownDestination", {
  operation: Schema.String,
  destinationId: Schema.String
}) {}

export type AppleError = AppleRetryable | ApplePermanent | AppleUnknownDestination

export const isRetryable = (error: AppleError): error is AppleRetryable => error._tag === "AppleRetryable"

/** A `Retry-After` longer than this is cut to it: a customer does not wait longer for an answer. */
export const MAX_RETRY_AFTER_MILLIS = 60 * 60 * 1000

/** `Retry-After` as seconds or an HTTP date (RFC 9110 §10.2.3), in milliseconds from now. */
export const parseRetryAfter = (value: string | null | undefined, nowMillis: number): number | undefined => {
  if (value === null || value === undefined) return undefined
  const trimmed = value.trim()
  const millis = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - nowMillis
  return Number.isFinite(millis) ? Math.min(Math.max(0, Math.round(millis)), MAX_RETRY_AFTER_MILLIS) : undefined
}

/** Maps a non-2xx status to the error the caller acts on (`retryAfterMillis` from Apple's `Retry-After`). */
export const fromStatus = (
  operation: string,
  status: number,
  destinationId?: string,
  retryAfterMillis?: number
): AppleError => {
  if (status === 404 && destinationId !== undefined) return new AppleUnknownDestination({ operation, destinationId })
  if (status >= 500 || status === 408 || status === 429)
    return new AppleRetryable({
      operation,
      status,
      reason: `HTTP ${status}`,
      ...(retryAfterMillis !== undefined ? { retryAfterMillis } : {})
    })
  return new ApplePermanent({ operation, status, reason: `HTTP ${status}` })
}

/** Makes a retry schedule wait at least as long as the failure's `Retry-After` asked. */
export const honourRetryAfter = <Out, R>(
  schedule: Schedule.Schedule<Out, AppleError, R>
): Schedule.Schedule<Out, AppleError, R> =>
  Schedule.intersect(schedule, Schedule.identity<AppleError>()).pipe(
    Schedule.modifyDelay(([, error], delay) =>
      error._tag === "AppleRetryable" && error.retryAfterMillis !== undefined
        ? Duration.max(delay, Duration.millis(error.retryAfterMillis))
        : delay
    ),
    Schedule.map(([out]) => out)
  )

/**
 * Back-off for retryable failures only: jittered exponential from 1 s, capped at 5 minutes per
 * wait, giving up after about an hour (Apple keeps undelivered messages for 30 days, customers
 * do not wait that long).
 */
export const retrySchedule: Schedule.Schedule<Duration.Duration, AppleError> = Schedule.exponential("1 second").pipe(
  Schedule.jittered,
  Schedule.modifyDelay((delay) => Duration.min(delay, Duration.minutes(5))),
  Schedule.whileInput(isRetryable),
  Schedule.upTo(Duration.hours(1)),
  honourRetryAfter
)
