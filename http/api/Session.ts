import { Effect, Schema } from "effect"
import { Authenticator } from "../auth/Authenticator.ts"
import { Principal } from "../auth/Principal.ts"
import { SignInThrottle } from "../auth/SignInThrottle.ts"
import { Timestamp } from "./Fields.ts"
import { publicRoute, type Route, route } from "./Route.ts"

const User = Principal.annotations({ identifier: "User", description: "Who the token stands for" })

const LoginBody = Schema.Struct({
  login: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  password: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(1000))
}).annotations({ identifier: "LoginRequest" })

const Session = Schema.Struct({ token: Schema.String, expiresAt: Timestamp }).annotations({ identifier: "Session" })

const SignedIn = Schema.Struct({ token: Schema.String, expiresAt: Timestamp, user: User }).annotations({
  identifier: "SignedIn"
})

const tag = "session"

export const routes: ReadonlyArray<Route> = [
  publicRoute({
    method: "post",
    path: "/login",
    tag,
    summary:
      "Sign in with login and password; returns a short-lived bearer token. Failed attempts are limited per account and per client address (429 with Retry-After)",
    errors: ["unauthenticated", "too_many_requests"],
    body: LoginBody,
    response: SignedIn,
    handler: ({ body, client }) =>
      Effect.gen(function* () {
        const auth = yield* Authenticator
        const throttle = yield* SignInThrottle
        const { token, expiresAt, principal } = yield* throttle.guard(
          { login: body.login, address: client },
          auth.login(body.login, body.password)
        )
        return { token, expiresAt, user: principal }
      })
  }),
  route({
    method: "post",
    path: "/session/refresh",
    tag,
    access: "signedIn",
    summary: "A new token for the caller, if their account is still active",
    response: Session,
    handler: ({ principal }) => Effect.flatMap(Authenticator, (auth) => auth.refresh(principal))
  }),
  route({
    method: "get",
    path: "/me",
    tag,
    access: "signedIn",
    summary: "The caller: user id, login, name, roles and the customer they act as",
    response: User,
    handler: ({ principal }) => Effect.succeed(principal)
  })
]
