import { Context, Effect, Layer, Redacted, Schema } from "effect"
import { jwtVerify, SignJWT } from "jose"
import { AuthConfig } from "./AuthConfig.ts"
import { Unauthenticated } from "./AuthError.ts"
import { Principal } from "./Principal.ts"

/** A signed session token and when it stops being accepted. */
export interface Session {
  readonly token: string
  readonly expiresAt: Date
}

export interface SessionTokensShape {
  /** Signs a short-lived token carrying the principal (HS256). */
  readonly issue: (principal: Principal) => Effect.Effect<Session>
  /** Checks signature, issuer, audience and expiry (a token without `exp` is refused), and decodes the principal. */
  readonly verify: (token: string) => Effect.Effect<Principal, Unauthenticated>
}

export class SessionTokens extends Context.Tag("parley/http/auth/SessionTokens")<SessionTokens, SessionTokensShape>() {}

const issuer = "parley"
const audience = "parley-session"
const decodePrincipal = Schema.decodeUnknown(Principal)

export const layer: Layer.Layer<SessionTokens, never, AuthConfig> = Layer.effect(
  SessionTokens,
  Effect.gen(function* () {
    const config = yield* AuthConfig
    const key = Redacted.value(config.sessionSecret)
    if (config.generated)
      yield* Effect.logWarning("auth: SESSION_SECRET unset; a random one is used, sessions end with this process")
    return {
      issue: (principal) =>
        Effect.promise(async () => {
          const expiresAt = new Date(Date.now() + config.sessionSeconds * 1000)
          const token = await new SignJWT({ principal })
            .setProtectedHeader({ alg: "HS256" })
            .setSubject(principal.userId)
            .setIssuer(issuer)
            .setAudience(audience)
            .setIssuedAt()
            .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
            .sign(key)
          return { token, expiresAt }
        }),
      verify: (token) =>
        Effect.tryPromise({
          // `requiredClaims`: jose checks `exp` only when present, so a token without one would never expire.
          try: () => jwtVerify(token, key, { issuer, audience, algorithms: ["HS256"], requiredClaims: ["exp"] }),
          catch: (e) => new Unauthenticated({ reason: `invalid session token: ${(e as Error).message}` })
        }).pipe(
          Effect.flatMap(({ payload }) => decodePrincipal(payload.principal)),
          Effect.mapError((e) =>
            e._tag === "Unauthenticated" ? e : new Unauthenticated({ reason: "session token carries no principal" })
          )
        )
    }
  })
)
