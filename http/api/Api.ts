import { Effect, type Runtime, Schema } from "effect"
import { Hono } from "hono"
import type { Db } from "../../db/Db.ts"
import type { ActorSystem } from "../../runtime/ActorSystem.ts"
import { Authenticator } from "../auth/Authenticator.ts"
import { apiError } from "./ApiError.ts"

/** What REST handlers run with. */
export type ApiServices = Authenticator | Db | ActorSystem

const LoginBody = Schema.Struct({
  login: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  password: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1000))
})
const decodeLogin = Schema.decodeUnknownEither(LoginBody)

/**
 * The REST API under `/api`. Every route but sign-in needs `Authorization: Bearer <session or API
 * token>` and checks the caller's role and ownership (DESIGN.md §2).
 */
export const routes = (runtime: Runtime.Runtime<ApiServices>): Hono => {
  const app = new Hono()
  const run = <A, E>(effect: Effect.Effect<A, E, ApiServices>) => Effect.runPromiseExit(Effect.provide(effect, runtime))

  app.post("/login", async (c) => {
    const body = await c.req.json().catch(() => undefined)
    const input = decodeLogin(body)
    if (input._tag === "Left") return apiError(c, 400, "invalid_request", "expected JSON {login, password}")
    const exit = await run(Effect.flatMap(Authenticator, (a) => a.login(input.right.login, input.right.password)))
    if (exit._tag === "Failure") return apiError(c, 401, "unauthenticated", "wrong login or password")
    const { token, expiresAt, principal } = exit.value
    return c.json({ token, expiresAt: expiresAt.toISOString(), user: principal })
  })

  return app
}
