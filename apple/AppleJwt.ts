import type { KeyObject } from "node:crypto"
import { Data, Effect } from "effect"
import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose"

/** Why a token was refused; the webhook maps `Malformed` to 400 and `Invalid` to 403. */
export class JwtMalformed extends Data.TaggedError("JwtMalformed")<{ readonly reason: string }> {}
export class JwtInvalid extends Data.TaggedError("JwtInvalid")<{ readonly reason: string }> {}

const bearer = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/

/** Pulls the compact JWT out of an `Authorization` header value. */
export const bearerToken = (header: string | undefined): Effect.Effect<string, JwtMalformed> => {
  if (header === undefined || header.length === 0)
    return Effect.fail(new JwtMalformed({ reason: "Authorization header missing" }))
  const match = bearer.exec(header.trim())
  return match?.[1] === undefined
    ? Effect.fail(new JwtMalformed({ reason: "Authorization is not 'Bearer <jwt>'" }))
    : Effect.succeed(match[1])
}

export interface VerifyOptions {
  /** The Base64-decoded secret, or the same imported once (`AppleConfig.verificationKey`). */
  readonly key: Uint8Array | KeyObject
  /** Required `aud` (our MSP id inbound) or `iss` (the MSP id, when Apple's side verifies). */
  readonly audience?: string
  readonly issuer?: string
  readonly nowSeconds: number
  readonly skewSeconds: number
}

export interface VerifiedClaims {
  readonly iat?: number
  readonly iss?: string
  readonly aud?: string | ReadonlyArray<string>
}

/** The time claims of a verified token, checked again on every use of the cache. */
interface Verified {
  readonly claims: VerifiedClaims
  readonly exp?: number
  readonly nbf?: number
}

/**
 * Tokens whose signature and claims verified, per key, audience and issuer. The simulator and,
 * by its documentation, Apple reuse a token (the simulator mints one a second), and verifying costs
 * a WebCrypto HMAC job on the thread pool per webhook (1.7 % of a busy node's time in
 * `bench/conversation.ts`'s profile). A token found here is accepted only while the time checks
 * that `verify` makes still hold at the new `nowSeconds`; a different string is verified afresh.
 */
const verifiedTokens = new WeakMap<Uint8Array | KeyObject, Map<string, Verified>>()
const cacheLimit = 1_024

const stillValid = (entry: Verified, options: VerifyOptions): boolean => {
  const now = options.nowSeconds
  const tolerance = options.skewSeconds
  if (entry.exp !== undefined && now - tolerance >= entry.exp) return false
  if (entry.nbf !== undefined && now + tolerance < entry.nbf) return false
  return entry.claims.iat === undefined || Math.abs(now - entry.claims.iat) <= tolerance
}

/**
 * HS256 only. Apple documents no token lifetime and may reuse its tokens, so `iat` is optional;
 * when present it must lie within the skew, both ways (docs/apple.md, "Tokens").
 */
export const verify = (token: string, options: VerifyOptions): Effect.Effect<VerifiedClaims, JwtInvalid> =>
  Effect.suspend(() => {
    const cache = verifiedTokens.get(options.key)
    const cacheKey = `${options.audience ?? ""} ${options.issuer ?? ""} ${token}`
    const known = cache?.get(cacheKey)
    if (known !== undefined && stillValid(known, options)) return Effect.succeed(known.claims)
    return Effect.tryPromise({
      try: async () => {
        const header = decodeProtectedHeader(token)
        if (header.alg !== "HS256") throw new Error(`alg ${String(header.alg)} is not HS256`)
        const { payload } = await jwtVerify(token, options.key, {
          algorithms: ["HS256"],
          currentDate: new Date(options.nowSeconds * 1000),
          clockTolerance: options.skewSeconds,
          ...(options.audience !== undefined ? { audience: options.audience } : {}),
          ...(options.issuer !== undefined ? { issuer: options.issuer } : {})
        })
        if (payload.iat !== undefined && Math.abs(options.nowSeconds - payload.iat) > options.skewSeconds)
          throw new Error("iat outside the skew")
        const claims: VerifiedClaims = {
          ...(payload.iat !== undefined ? { iat: payload.iat } : {}),
          ...(payload.iss !== undefined ? { iss: payload.iss } : {}),
          ...(payload.aud !== undefined ? { aud: payload.aud } : {})
        }
        const tokens = cache ?? new Map<string, Verified>()
        if (cache === undefined) verifiedTokens.set(options.key, tokens)
        if (tokens.size >= cacheLimit) tokens.clear()
        tokens.set(cacheKey, {
          claims,
          ...(payload.exp !== undefined ? { exp: payload.exp } : {}),
          ...(payload.nbf !== undefined ? { nbf: payload.nbf } : {})
        })
        return claims
      },
      catch: (cause) => new JwtInvalid({ reason: cause instanceof Error ? cause.message : "token rejected" })
    })
  })

/** MSP → Apple: `{iss, iat}`, header `{alg: HS256, typ: JWT}`, no `exp` (as Apple's sample). */
export const signOutbound = (key: Uint8Array, mspId: string, iatSeconds: number): Effect.Effect<string> =>
  Effect.promise(() =>
    new SignJWT({ iss: mspId }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt(iatSeconds).sign(key)
  )

/**
 * How long one outbound token is reused. Apple documents no lifetime and reads only `iat` (its
 * sample mints one per request, other MSPs cache one for ~55 min: apple-msp.md §2); a minute keeps
 * well inside any skew a receiver allows while signing once a minute instead of once per call.
 */
export const outboundReuseSeconds = 60

/** `signOutbound` that hands out the same token while it is younger than `outboundReuseSeconds`. */
export const outboundSigner = (key: Uint8Array, mspId: string): ((nowSeconds: number) => Effect.Effect<string>) => {
  let cached: { readonly iat: number; readonly token: string } | undefined
  return (nowSeconds) => {
    const age = cached === undefined ? Number.POSITIVE_INFINITY : nowSeconds - cached.iat
    if (cached !== undefined && age >= 0 && age < outboundReuseSeconds) return Effect.succeed(cached.token)
    return Effect.map(signOutbound(key, mspId, nowSeconds), (token) => {
      cached = { iat: nowSeconds, token }
      return token
    })
  }
}

/** Apple → MSP: `{aud, iat}`; the simulator signs its webhooks with it. */
export const signInbound = (key: Uint8Array, mspId: string, iatSeconds: number): Effect.Effect<string> =>
  Effect.promise(() =>
    new SignJWT({ aud: mspId }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt(iatSeconds).sign(key)
  )
