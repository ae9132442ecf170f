import { Cause, Effect, Exit, Runtime } from "effect"
import type { Context, Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { Forbidden, Unauthenticated } from "../auth/AuthError.ts"
import { Authenticator, bearerOf } from "../auth/Authenticator.ts"
import type { Principal } from "../auth/Principal.ts"
import { clientAddress } from "../ClientAddress.ts"
import { HttpConfig } from "../HttpConfig.ts"
import { allows } from "./Access.ts"
import { type ApiFailure, apiError, describe, statusOf } from "./ApiError.ts"
import { InvalidRequest } from "./ApiFailure.ts"
import type { ApiServices, Route } from "./Route.ts"

/** JSON bodies are small documents (a case, a state change); anything bigger is refused unread. */
const maxBodyBytes = 64 * 1024

const serverSide: ReadonlySet<string> = new Set(["unavailable", "internal"])

const principalOf = (route: Route, authorization: string | undefined) =>
  Effect.gen(function* () {
    if (route.access === "public") return undefined
    const bearer = bearerOf(authorization)
    if (bearer === undefined) return yield* new Unauthenticated({ reason: "no bearer token" })
    const principal = yield* Effect.flatMap(Authenticator, (auth) => auth.authenticate(bearer))
    if (!allows(route.access, principal))
      return yield* new Forbidden({ reason: `${route.method.toUpperCase()} /api${route.path} is not for your role` })
    return principal
  })

const bodyOf = (route: Route, c: Context) =>
  route.schemas.body === undefined
    ? Effect.succeed(undefined)
    : Effect.tryPromise({
        try: () => c.req.json<unknown>(),
        catch: () => new InvalidRequest({ message: "body: expected a JSON document" })
      })

/**
 * Mounts every route of the table on `app`. Order per request: who is calling (401), may their
 * role call this (403), does the input decode (400), then the handler; every failure becomes the
 * JSON error with its code, and a defect a logged 500 that says nothing more.
 */
export const mount = (app: Hono, table: ReadonlyArray<Route>, runtime: Runtime.Runtime<ApiServices>): Hono => {
  const run = Runtime.runPromiseExit(runtime)
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => apiError(c, 413, "payload_too_large", `bodies are limited to ${maxBodyBytes} bytes`)
  })
  const answer = async (c: Context, route: Route, handled: Effect.Effect<Response, ApiFailure, ApiServices>) => {
    const exit = await run(
      handled.pipe(
        Effect.withSpan(`api ${route.method.toUpperCase()} ${route.path}`),
        Effect.tapErrorCause((cause) =>
          // The caller's mistakes are theirs; what the server could not do is logged.
          Cause.isFailType(cause) && !serverSide.has(describe(cause.error).code)
            ? Effect.void
            : Effect.logError(`api: ${route.method.toUpperCase()} ${route.path} failed`, cause)
        )
      )
    )
    if (Exit.isSuccess(exit)) return exit.value
    const failure = Cause.failureOption(exit.cause)
    if (failure._tag === "None") {
      if (!Cause.isInterruptedOnly(exit.cause)) return apiError(c, 500, "internal", "internal error")
      // Interrupted: the node is stopping; another node (or this one, restarted) serves the retry.
      c.header("Retry-After", "5")
      return apiError(c, 503, "unavailable", "the server is stopping, retry shortly")
    }
    const { code, message } = describe(failure.value)
    if (failure.value._tag === "Throttled") c.header("Retry-After", String(failure.value.retryAfterSeconds))
    if (code === "unauthenticated") c.header("WWW-Authenticate", 'Bearer realm="parley"')
    if (code === "unavailable") c.header("Retry-After", "5")
    return apiError(c, statusOf[code], code, message)
  }
  // Routes of bytes first: they answer before the JSON body limit below runs, under their own cap.
  for (const route of table) {
    const raw = route.raw
    if (raw === undefined) continue
    app.on(route.method.toUpperCase(), route.path, (c) =>
      answer(
        c,
        route,
        Effect.gen(function* () {
          const principal = yield* principalOf(route, c.req.header("authorization"))
          if (principal === undefined) return yield* new Unauthenticated({ reason: "no bearer token" })
          const client = clientAddress(c, (yield* HttpConfig).trustedProxyHops)
          yield* route.run({ params: c.req.param(), query: {}, body: undefined, client }, principal)
          return yield* raw.handle(c, principal, c.req.param())
        })
      )
    )
  }
  app.use("*", limit)
  for (const route of table) {
    if (route.raw !== undefined) continue
    app.on(route.method.toUpperCase(), route.path, (c) =>
      answer(
        c,
        route,
        Effect.gen(function* () {
          const principal: Principal | undefined = yield* principalOf(route, c.req.header("authorization"))
          const body = yield* bodyOf(route, c)
          const client = clientAddress(c, (yield* HttpConfig).trustedProxyHops)
          const result = yield* route.run({ params: c.req.param(), query: c.req.query(), body, client }, principal)
          return c.json(result as object, route.status)
        })
      )
    )
  }
  app.all("*", (c) => apiError(c, 404, "not_found", `no route ${c.req.method} ${c.req.path}`))
  return app
}
