import { Clock, Duration, Effect, Schema } from "effect"
import { type AppleError, ApplePermanent, AppleRetryable, fromStatus, parseRetryAfter } from "../AppleError.ts"

export interface CallOptions {
  readonly operation: string
  readonly url: string
  readonly init: RequestInit
  readonly timeout: Duration.Duration
  /** Set on sends: a 404 then means Apple does not know this customer. */
  readonly destinationId?: string
}

/** The one wrapper around `fetch` for Apple: timeouts and connection errors are retryable. */
export const call = (options: CallOptions): Effect.Effect<Response, AppleError> =>
  Effect.tryPromise({
    try: (signal) =>
      fetch(options.url, {
        ...options.init,
        signal: AbortSignal.any([signal, AbortSignal.timeout(Duration.toMillis(options.timeout))])
      }),
    catch: (cause) =>
      new AppleRetryable({
        operation: options.operation,
        reason:
          cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError")
            ? "timeout"
            : "connection failed"
      })
  }).pipe(
    Effect.flatMap((response) =>
      response.ok
        ? Effect.succeed(response)
        : Effect.promise(() => response.body?.cancel() ?? Promise.resolve()).pipe(
            Effect.zipRight(Clock.currentTimeMillis),
            Effect.flatMap((now) =>
              Effect.fail(
                fromStatus(
                  options.operation,
                  response.status,
                  options.destinationId,
                  parseRetryAfter(response.headers.get("retry-after"), now)
                )
              )
            )
          )
    )
  )

const readBody = <A>(operation: string, read: () => Promise<A>): Effect.Effect<A, AppleError> =>
  Effect.tryPromise({
    try: read,
    catch: () => new AppleRetryable({ operation, reason: "response body interrupted" })
  })

export const bytes = (operation: string, response: Response): Effect.Effect<Uint8Array, AppleError> =>
  readBody(operation, async () => new Uint8Array(await response.arrayBuffer()))

/** Decodes a JSON answer; an answer of the wrong shape is permanent (Apple changed, or it is not Apple). */
export const json = <A, I>(
  operation: string,
  response: Response,
  schema: Schema.Schema<A, I>
): Effect.Effect<A, AppleError> =>
  readBody(operation, () => response.text()).pipe(
    Effect.flatMap((text) =>
      Schema.decodeUnknown(Schema.parseJson(schema))(text).pipe(
        Effect.mapError(
          () => new ApplePermanent({ operation, status: response.status, reason: "unexpected response body" })
        )
      )
    )
  )
