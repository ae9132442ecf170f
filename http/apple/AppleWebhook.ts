import { Clock, Data, DateTime, Duration, Effect, Option, ParseResult, Runtime, Schema } from "effect"
import { Hono } from "hono"
import { AppleConfig, verificationKey } from "../../apple/AppleConfig.ts"
import { bearerToken, verify } from "../../apple/AppleJwt.ts"
import { Header, InboundHeaders, parseCapabilities } from "../../apple/Headers.ts"
import type { InboundEnvelope } from "../../apple/InboundEnvelope.ts"
import { InboundMessage } from "../../apple/InboundMessage.ts"
import * as Tapback from "../../apple/Tapback.ts"
import { AppleInbox } from "./AppleInbox.ts"
import { inflate, parseJson, readLimited } from "./internal/body.ts"

/** A refused webhook: the status Apple sees and a short machine-readable reason. */
export class Rejection extends Data.TaggedError("Rejection")<{
  readonly status: 400 | 403 | 404 | 413 | 503
  readonly code: string
  readonly reason: string
  readonly headers?: Readonly<Record<string, string>>
}> {}

export interface WebhookResponse {
  readonly status: 200 | 400 | 403 | 404 | 413 | 500 | 503
  readonly body: { readonly code: string; readonly reason?: string; readonly duplicate?: boolean }
  readonly headers: Readonly<Record<string, string>>
}

const reject = (status: Rejection["status"], code: string, reason: string) => new Rejection({ status, code, reason })

/** Where the body failed and what kind of failure, never the offending value (customer data). */
const firstIssue = (error: ParseResult.ParseError): string => {
  const issue = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  if (issue === undefined) return "body does not match the message schema"
  const path = issue.path.map(String).join(".").slice(0, 120)
  return `${path.length > 0 ? path : "body"}: ${issue._tag === "Missing" ? "is missing" : `invalid (${issue._tag})`}`
}

const decodeHeaders = Schema.decodeUnknown(InboundHeaders)
const decodeMessage = Schema.decodeUnknown(InboundMessage)

/**
 * Apple's checks in Apple's order (docs/apple.md, "Receiving"): Authorization (400), token (403), business (404),
 * size (413), body (400); then the inbox makes it durable (503 if it cannot) before the 200.
 */
export const handle = Effect.fn("AppleWebhook.handle")(function* (request: Request) {
  const config = yield* AppleConfig
  const inbox = yield* AppleInbox
  const header = (name: string): string | undefined => request.headers.get(name) ?? undefined

  const outcome = yield* Effect.gen(function* () {
    const token = yield* bearerToken(header(Header.authorization)).pipe(
      Effect.mapError((e) => reject(400, "bad_authorization", e.reason))
    )
    const nowMillis = yield* Clock.currentTimeMillis
    yield* verify(token, {
      key: verificationKey(config),
      audience: config.mspId,
      nowSeconds: Math.floor(nowMillis / 1000),
      skewSeconds: Math.floor(Duration.toSeconds(config.jwtSkew))
    }).pipe(Effect.mapError(() => reject(403, "invalid_token", "token failed verification")))

    const headers = yield* decodeHeaders(Object.fromEntries(request.headers)).pipe(
      Effect.mapError(() => reject(400, "missing_header", "source-id and destination-id are required"))
    )
    const business = headers["destination-id"]
    if (!config.businessIds.includes(business)) return yield* reject(404, "unknown_business", "destination-id unknown")

    const raw = yield* readLimited(request, config.maxBody)
    const inflated = yield* inflate(raw, header(Header.contentEncoding), config.maxBody)
    const json = yield* parseJson(inflated)
    const message = yield* Effect.suspend(() =>
      decodeMessage(json, { errors: "first", onExcessProperty: "ignore" })
    ).pipe(
      Effect.mapError((e) => reject(400, "bad_schema", firstIssue(e))),
      // Effect's union decoding stringifies candidate discriminators and throws on a value whose
      // own `toString` is not a function (`{"v":{"toString":{}}}`): still the sender's bad input.
      Effect.catchAllDefect(() => Effect.fail(reject(400, "bad_schema", "message could not be read")))
    )
    if (message.sourceId !== undefined && message.sourceId !== headers["source-id"])
      return yield* reject(400, "header_mismatch", "body sourceId differs from source-id")
    if (message.destinationId !== undefined && message.destinationId !== business)
      return yield* reject(400, "header_mismatch", "body destinationId differs from destination-id")
    if (headers.id !== undefined && headers.id.length > 0 && headers.id !== message.id)
      return yield* reject(400, "header_mismatch", "body id differs from the id header")

    const tapback = message.type === "text" ? Tapback.parse(message.body) : Option.none()
    const deviceAgent = headers["device-agent"]
    const envelope: InboundEnvelope = {
      message,
      messageId: message.id,
      sourceId: headers["source-id"],
      destinationId: business,
      capabilities: parseCapabilities(headers["capability-list"] ?? headers.capabilities),
      ...(deviceAgent !== undefined ? { deviceAgent } : {}),
      ...(message.locale !== undefined ? { locale: message.locale } : {}),
      ...(message.intent !== undefined ? { intent: message.intent } : {}),
      ...(message.group !== undefined ? { group: message.group } : {}),
      ...(Option.isSome(tapback) ? { tapback: tapback.value } : {}),
      receivedAt: DateTime.unsafeMake(nowMillis)
    }
    const { duplicate } = yield* inbox.accept(envelope).pipe(
      Effect.mapError(
        (e) =>
          new Rejection({
            status: 503,
            code: "inbox_unavailable",
            reason: e.reason,
            headers: { "retry-after": String(Math.max(1, Math.ceil(Duration.toSeconds(config.retryAfter)))) }
          })
      )
    )
    yield* Effect.logDebug("Apple message accepted").pipe(
      Effect.annotateLogs({ messageId: message.id, type: message.type, duplicate })
    )
    return { status: 200, body: { code: "ok", duplicate }, headers: {} } satisfies WebhookResponse
  }).pipe(
    Effect.catchTags({
      BodyTooLarge: (e) => Effect.fail(reject(413, "body_too_large", `body over ${e.limit} bytes`)),
      BodyUnreadable: (e) => Effect.fail(reject(400, "bad_body", e.reason))
    }),
    Effect.catchTag("Rejection", (r) =>
      Effect.logWarning("Apple webhook rejected").pipe(
        Effect.annotateLogs({ status: r.status, code: r.code, reason: r.reason }),
        Effect.as({ status: r.status, body: { code: r.code, reason: r.reason }, headers: r.headers ?? {} })
      )
    )
  )
  return outcome satisfies WebhookResponse
})

const toResponse = (outcome: WebhookResponse): Response =>
  new Response(JSON.stringify(outcome.body), {
    status: outcome.status,
    headers: { "content-type": "application/json", ...outcome.headers }
  })

/** The sub-app (`POST /message`), running on a runtime that provides its services. */
export const fromRuntime = (runtime: Runtime.Runtime<AppleConfig | AppleInbox>): Hono => {
  const run = Runtime.runPromise(runtime)
  const app = new Hono()
  app.post("/message", (c) =>
    run(
      handle(c.req.raw).pipe(
        Effect.catchAllCause((cause) =>
          Effect.logError("Apple webhook failed", cause).pipe(
            Effect.as<WebhookResponse>({
              status: 500,
              body: { code: "internal", reason: "internal error" },
              headers: {}
            })
          )
        )
      )
    ).then(toResponse)
  )
  return app
}

export const make: Effect.Effect<Hono, never, AppleConfig | AppleInbox> = Effect.map(
  Effect.runtime<AppleConfig | AppleInbox>(),
  fromRuntime
)
