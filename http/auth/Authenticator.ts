import { randomBytes } from "node:crypto"
import { hash as hashPassword, verify as verifyPassword } from "@node-rs/argon2"
import { Context, Effect, Layer } from "effect"
import type { Db } from "../../db/Db.ts"
import type { DbError } from "../../db/DbError.ts"
import { findUser, findUserByApiToken, findUserByLogin } from "../../db/queries/users.ts"
import { Unauthenticated, wrongLogin } from "./AuthError.ts"
import { fromUser, type Principal } from "./Principal.ts"
import { type Session, SessionTokens } from "./SessionTokens.ts"

export interface AuthenticatorShape {
  /** Password sign-in: a session token for an active user whose argon2 hash matches. */
  readonly login: (
    login: string,
    password: string
  ) => Effect.Effect<Session & { principal: Principal }, Unauthenticated | DbError>
  /**
   * A bearer credential: a session token (a JWT, three dot-separated parts) or an API token. A
   * session token of a user deactivated since it was issued still works until it expires; API
   * tokens are checked against the database every time.
   */
  readonly authenticate: (bearer: string) => Effect.Effect<Principal, Unauthenticated | DbError>
  /** A new token for the same principal, if the user is still active. */
  readonly refresh: (principal: Principal) => Effect.Effect<Session, Unauthenticated | DbError>
}

export class Authenticator extends Context.Tag("parley/http/auth/Authenticator")<Authenticator, AuthenticatorShape>() {}

const wrong = new Unauthenticated({ reason: wrongLogin })

/**
 * Verified against when the login is unknown (or has no password), so an unknown login costs the
 * same argon2 work as a known one and the answer's timing does not tell who has an account.
 */
const dummyHash = hashPassword(randomBytes(24).toString("base64url"))
const looksLikeJwt = (s: string) => /^[\w-]+\.[\w-]+\.[\w-]+$/.test(s)

export const layer: Layer.Layer<Authenticator, never, Db | SessionTokens> = Layer.effect(
  Authenticator,
  Effect.gen(function* () {
    const tokens = yield* SessionTokens
    const db = yield* Effect.context<Db>()
    const withDb = <A, E>(effect: Effect.Effect<A, E, Db>) => Effect.provide(effect, db)
    // A database that cannot answer is the server's problem (503), not the caller's credentials (401).
    const dbDown = (e: DbError) => Effect.logError("auth: user lookup failed", e).pipe(Effect.zipRight(Effect.fail(e)))

    return {
      login: (login, password) =>
        Effect.gen(function* () {
          const user = yield* withDb(findUserByLogin(login)).pipe(Effect.catchTag("DbError", dbDown))
          const stored = user?.active === true ? user.passwordHash : null
          const hash = stored ?? (yield* Effect.promise(() => dummyHash))
          const ok = yield* Effect.promise(() => verifyPassword(hash, password).catch(() => false))
          if (!ok || stored === null || user === undefined) return yield* wrong
          const principal = fromUser(user)
          const session = yield* tokens.issue(principal)
          yield* Effect.logInfo("auth: signed in").pipe(Effect.annotateLogs({ login }))
          return { ...session, principal }
        }),
      authenticate: (bearer) =>
        looksLikeJwt(bearer)
          ? tokens.verify(bearer)
          : withDb(findUserByApiToken(bearer)).pipe(
              Effect.catchTag("DbError", dbDown),
              Effect.flatMap((user) =>
                user === undefined
                  ? Effect.fail(new Unauthenticated({ reason: "unknown API token" }))
                  : Effect.succeed(fromUser(user))
              )
            ),
      refresh: (principal) =>
        withDb(findUser(principal.userId)).pipe(
          Effect.catchTag("DbError", dbDown),
          Effect.flatMap((user) =>
            user === undefined || !user.active
              ? Effect.fail(new Unauthenticated({ reason: "user no longer active" }))
              : tokens.issue(fromUser(user))
          )
        )
    }
  })
)

/** `Authorization: Bearer <token>` → the token; anything else → undefined. */
export const bearerOf = (header: string | undefined): string | undefined => {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}
