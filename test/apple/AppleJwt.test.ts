import { createSecretKey } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { SignJWT } from "jose"
import {
  bearerToken,
  outboundReuseSeconds,
  outboundSigner,
  signInbound,
  signOutbound,
  verify
} from "../../apple/AppleJwt.ts"

// The vectors of docs/apple.md, "Test vectors": secret Base64 of ASCII "test-secret-for-amb-simulator-01".
const secret = "dGVzdC1zZWNyZXQtZm9yLWFtYi1zaW11bGF0b3ItMDE="
const key = new Uint8Array(Buffer.from(secret, "base64"))
const mspId = "11111111-2222-3333-4444-555555555555"
const outbound =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiIxMTExMTExMS0yMjIyLTMzMzMtNDQ0NC01NTU1NTU1NTU1NTUiLCJpYXQiOjE3MDAwMDAwMDB9.I_A8pQCNGgCIZZxAch_fcYNDV0GlyM8hYlDY9lSbDNY"
const inbound =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiIxMTExMTExMS0yMjIyLTMzMzMtNDQ0NC01NTU1NTU1NTU1NTUiLCJpYXQiOjE3MDAwMDAwMDB9.UNps1pRVUU1QCsxEzj_NQIYoZ19O7TUwOOk2aKfahT8"
const base64TextKeyed = `${outbound.split(".").slice(0, 2).join(".")}.o_6DG8j5ixHeTQHKdHY5GEq_H8KQOHBjBKy7k_ZP1Pc`

describe("AppleJwt", () => {
  it.effect("reuses an outbound token while it is younger than the reuse window, then signs a new one", () =>
    Effect.gen(function* () {
      const sign = outboundSigner(key, mspId)
      const first = yield* sign(1_700_000_000)
      assert.strictEqual(first, outbound)
      assert.strictEqual(yield* sign(1_700_000_000 + outboundReuseSeconds - 1), outbound)
      const later = yield* sign(1_700_000_000 + outboundReuseSeconds)
      assert.strictEqual(later, yield* signOutbound(key, mspId, 1_700_000_000 + outboundReuseSeconds))
      // A clock that steps back never gets a token from its future.
      assert.strictEqual(yield* sign(1_700_000_000), outbound)
    })
  )

  it.effect("verifies with a key imported once as with the raw bytes", () =>
    Effect.gen(function* () {
      const imported = createSecretKey(key)
      const claims = yield* verify(inbound, {
        key: imported,
        audience: mspId,
        nowSeconds: 1_700_000_100,
        skewSeconds: 300
      })
      assert.strictEqual(claims.iat, 1_700_000_000)
    })
  )

  it.effect("signs the published vectors byte for byte", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* signOutbound(key, mspId, 1_700_000_000), outbound)
      assert.strictEqual(yield* signInbound(key, mspId, 1_700_000_000), inbound)
    })
  )

  it.effect("verifies aud and iat within the skew", () =>
    Effect.gen(function* () {
      const claims = yield* verify(inbound, { key, audience: mspId, nowSeconds: 1_700_000_100, skewSeconds: 300 })
      assert.strictEqual(claims.iat, 1_700_000_000)
      const late = yield* Effect.exit(
        verify(inbound, { key, audience: mspId, nowSeconds: 1_700_000_301, skewSeconds: 300 })
      )
      assert.isTrue(Exit.isFailure(late))
      const early = yield* Effect.exit(
        verify(inbound, { key, audience: mspId, nowSeconds: 1_699_999_000, skewSeconds: 300 })
      )
      assert.isTrue(Exit.isFailure(early))
    })
  )

  it.effect("accepts a token verified before only while its time checks still hold, and only under the same key", () =>
    Effect.gen(function* () {
      const expiring = yield* Effect.promise(() =>
        new SignJWT({ aud: mspId })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuedAt(1_700_000_000)
          .setExpirationTime(1_700_000_060)
          .sign(key)
      )
      const opts = { key, audience: mspId, skewSeconds: 30 }
      assert.isTrue(Exit.isSuccess(yield* Effect.exit(verify(expiring, { ...opts, nowSeconds: 1_700_000_010 }))))
      assert.isTrue(Exit.isSuccess(yield* Effect.exit(verify(expiring, { ...opts, nowSeconds: 1_700_000_020 }))))
      // Past exp and its tolerance: refused though the same string verified a moment ago.
      assert.isTrue(Exit.isFailure(yield* Effect.exit(verify(expiring, { ...opts, nowSeconds: 1_700_000_091 }))))
      const otherKey = new Uint8Array(Buffer.from("another-secret-another-secret-00"))
      assert.isTrue(
        Exit.isFailure(yield* Effect.exit(verify(expiring, { ...opts, key: otherKey, nowSeconds: 1_700_000_010 })))
      )
      assert.isTrue(
        Exit.isFailure(
          yield* Effect.exit(verify(expiring, { ...opts, audience: "someone-else", nowSeconds: 1_700_000_010 }))
        )
      )
    })
  )

  it.effect("rejects the wrong audience, a token keyed with the Base64 text, and alg none", () =>
    Effect.gen(function* () {
      const opts = { key, nowSeconds: 1_700_000_000, skewSeconds: 300 }
      assert.isTrue(Exit.isFailure(yield* Effect.exit(verify(inbound, { ...opts, audience: "someone-else" }))))
      assert.isTrue(Exit.isFailure(yield* Effect.exit(verify(base64TextKeyed, { ...opts, issuer: mspId }))))
      const none = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${outbound.split(".")[1]}.x`
      assert.isTrue(Exit.isFailure(yield* Effect.exit(verify(none, { ...opts, issuer: mspId }))))
      assert.isTrue(Exit.isSuccess(yield* Effect.exit(verify(outbound, { ...opts, issuer: mspId }))))
    })
  )

  it.effect("only takes 'Bearer <compact jwt>'", () =>
    Effect.gen(function* () {
      assert.strictEqual(yield* bearerToken(`Bearer ${inbound}`), inbound)
      for (const bad of [undefined, "", inbound, "Basic abc", "Bearer a.b", "Bearer  a.b.c d"])
        assert.isTrue(Exit.isFailure(yield* Effect.exit(bearerToken(bad))))
    })
  )
})
