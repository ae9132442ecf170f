import { Clock, Duration, Effect, Schema } from "effect"
import { Agent, type Dispatcher, request } from "undici"
import { type AppleError, ApplePermanent, AppleRetryable, fromStatus, parseRetryAfter } from "../AppleError.ts"

export interface CallOptions {
  readonly operation: string
  readonly url: string
  readonly init: {
    readonly method: "GET" | "POST" | "PUT"
    readonly headers?: Readonly<Record<string, string>>
    readonly body?: string | Uint8Array
  }
  readonly timeout: Duration.Duration
  /** Set on sends: a 404 then means Apple does not know this customer. */
  readonly destinationId?: string
}

/** An answer with a 2xx status; its body is read once, by `bytes` or `json`. */
export interface Answer {
  readonly status: number
  readonly body: Dispatcher.ResponseData["body"]
}

/**
 * Keep-alive connections for the process, a pool per origin (Apple's gateway, its attachment
 * hosts). `undici.request` answers plain status, headers and a body stream; `fetch` built WHATWG
 * Request, Headers and Response objects per call, which cost more than the call's own work
 * (docs/performance.md).
 */
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 128, pipelining: 1 })

const timeoutNames = new Set(["TimeoutError", "AbortError", "HeadersTimeoutError", "BodyTimeoutError"])

/**
 * The one HTTP call to Apple: timeouts and connection errors are retryable. The timeout is
 * undici's own (waiting for the answer's headers, then between chunks of its body), not an
 * `AbortSignal.timeout` combined with the fiber's signal: that made a timer and two signals per
 * call (about 1 % of a loaded node's busy time). The fiber's signal still aborts the call.
 */
export const call = (options: CallOptions): Effect.Effect<Answer, AppleError> =>
  Effect.tryPromise({
    try: (signal) =>
      request(options.url, {
        dispatcher,
        method: options.init.method,
        headers: options.init.headers ?? {},
        body: options.init.body ?? null,
        signal,
        headersTimeout: Duration.toMillis(options.timeout),
        bodyTimeout: Duration.toMillis(options.timeout)
      }),
    catch: (cause) =>
      new AppleRetryable({
        operation: options.operation,
        reason: cause instanceof Error && timeoutNames.has(cause.name) ? "timeout" : "connection failed"
      })
  }).pipe(
    Effect.flatMap((response) =>
      response.statusCode >= 200 && response.statusCode < 300
        ? Effect.succeed<Answer>({ status: response.statusCode, body: response.body })
        : Effect.promise(() => response.body.dump().catch(() => undefined)).pipe(
            Effect.zipRight(Clock.currentTimeMillis),
            Effect.flatMap((now) => {
              const retryAfter = response.headers["retry-after"]
              return Effect.fail(
                fromStatus(
                  options.operation,
                  response.statusCode,
                  options.destinationId,
                  parseRetryAfter(typeof retryAfter === "string" ? retryAfter : undefined, now)
                )
              )
            })
          )
    )
  )

const readBody = <A>(operation: string, read: () => Promise<A>): Effect.Effect<A, AppleError> =>
  Effect.tryPromise({
    try: read,
    catch: () => new AppleRetryable({ operation, reason: "response body interrupted" })
  })

export const bytes = (operation: string, response: Answer): Effect.Effect<Uint8Array, AppleError> =>
  readBody(operation, async () => new Uint8Array(await response.body.arrayBuffer()))

/** Decodes a JSON answer; an answer of the wrong shape is permanent (Apple changed, or it is not Apple). */
export const json = <A, I>(
  operation: string,
  response: Answer,
  schema: Schema.Schema<A, I>
): Effect.Effect<A, AppleError> =>
  readBody(operation, () => response.body.text()).pipe(
    Effect.flatMap((text) =>
      Schema.decodeUnknown(Schema.parseJson(schema))(text).pipe(
        Effect.mapError(
          () => new ApplePermanent({ operation, status: response.status, reason: "unexpected response body" })
        )
      )
    )
  )
