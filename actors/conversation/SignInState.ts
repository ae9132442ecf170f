import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto"
import { Effect } from "effect"
import { AppleConfig, secretKey } from "../../apple/AppleConfig.ts"

/**
 * The `state` of an Apple sign-in (AUTH2 redirect): `<conversation>.<expires>.<nonce>.<mac>`, an
 * HMAC-SHA256 over the rest with a key derived from the MSP secret (HKDF, its own label), so every
 * node of a deployment signs and checks alike with no extra setting. The redirect route trusts a
 * conversation id only from a state this deployment signed and that has not expired: a made-up
 * `state` never reaches an actor.
 */
export const lifetimeMs = 15 * 60 * 1000

const keyOf = (config: AppleConfig["Type"]) =>
  Buffer.from(hkdfSync("sha256", secretKey(config), Buffer.alloc(0), "parley sign-in state", 32))

const mac = (key: Buffer, payload: string) => createHmac("sha256", key).update(payload).digest("base64url")

export const sign = Effect.fnUntraced(function* (conversationId: string, now: number) {
  const key = keyOf(yield* AppleConfig)
  const payload = [
    Buffer.from(conversationId).toString("base64url"),
    (now + lifetimeMs).toString(36),
    randomBytes(12).toString("base64url")
  ].join(".")
  return `${payload}.${mac(key, payload)}`
})

/** The conversation a state was signed for, if the signature holds and it has not expired. */
export const verify = Effect.fnUntraced(function* (state: string, now: number) {
  const key = keyOf(yield* AppleConfig)
  const parts = state.split(".")
  if (parts.length !== 4 || state.length > 1024) return undefined
  const [conversation = "", expires = "", nonce = "", given = ""] = parts
  const expected = Buffer.from(mac(key, `${conversation}.${expires}.${nonce}`))
  const actual = Buffer.from(given)
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined
  if (Number.parseInt(expires, 36) <= now) return undefined
  return Buffer.from(conversation, "base64url").toString("utf8")
})
