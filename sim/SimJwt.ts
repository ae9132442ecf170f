import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose"

/**
 * Apple's side of the shared-secret JWT (docs/apple.md, "Tokens"): HS256 with the Base64-decoded
 * secret as key; the MSP's tokens carry `iss` = MSP id and `iat`, Apple's carry `aud` = MSP id.
 */

/** The raw HMAC key: Apple's secret is delivered as Base64 and must be decoded first. */
export const keyOf = (secretBase64: string): Uint8Array => new Uint8Array(Buffer.from(secretBase64, "base64"))

/** Why an MSP's token is refused, or undefined when it is good. `iat` may be absent (no lifetime is documented). */
export const verifyMspToken = async (
  token: string,
  options: {
    readonly key: Uint8Array
    readonly mspId: string
    readonly nowSeconds: number
    readonly skewSeconds: number
  }
): Promise<string | undefined> => {
  try {
    if (decodeProtectedHeader(token).alg !== "HS256") return "alg is not HS256"
    const { payload } = await jwtVerify(token, options.key, {
      algorithms: ["HS256"],
      issuer: options.mspId,
      currentDate: new Date(options.nowSeconds * 1000),
      clockTolerance: options.skewSeconds
    })
    if (payload.iat !== undefined && Math.abs(options.nowSeconds - payload.iat) > options.skewSeconds)
      return "iat outside the accepted skew"
    return undefined
  } catch (cause) {
    return cause instanceof Error ? cause.message : "token rejected"
  }
}

/** The token on a webhook: `{aud: MSP id, iat}`, header `{alg: HS256, typ: JWT}`. */
export const signWebhookToken = (key: Uint8Array, mspId: string, iatSeconds: number): Promise<string> =>
  new SignJWT({ aud: mspId }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuedAt(iatSeconds).sign(key)
