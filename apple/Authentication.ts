import { randomBytes } from "node:crypto"
import { Schema } from "effect"
import { type BubbleOptions, type BuiltInteractive, interactive } from "./InteractiveCommon.ts"

/**
 * OAuth2 sign-in. `AUTH2` (current, iOS 16+): `redirectURI`, the provider hands the code to us.
 * `AUTH` (legacy): `responseEncryptionKey`, the device returns the token encrypted to that key.
 */
export const OAuth2 = Schema.Struct({
  responseType: Schema.NonEmptyString,
  scope: Schema.Array(Schema.String),
  state: Schema.NonEmptyString,
  responseEncryptionKey: Schema.optional(Schema.String),
  clientSecret: Schema.optional(Schema.String),
  redirectURI: Schema.optional(Schema.String)
})

export const Authenticate = Schema.Struct({ oauth2: OAuth2 })
export type Authenticate = typeof Authenticate.Type

/** Which capability an authentication request needs: legacy requests carry an encryption key. */
export const capabilityOf = (auth: Authenticate): "AUTH" | "AUTH2" =>
  auth.oauth2.responseEncryptionKey !== undefined ? "AUTH" : "AUTH2"

export interface AuthenticationOptions extends BubbleOptions {
  readonly title: string
  readonly replyTitle?: string
  readonly scope: ReadonlyArray<string>
  readonly state?: string
  /** AUTH2 */
  readonly redirectURI?: string
  /** legacy AUTH: Base64 uncompressed P-384 point (`generateAuthKeyPair().publicKey`) */
  readonly responseEncryptionKey?: string
  readonly responseType?: string
}

export const make = (options: AuthenticationOptions): BuiltInteractive<"authenticate", Authenticate> => {
  const legacy = options.responseEncryptionKey !== undefined
  const oauth2 = {
    responseType: options.responseType ?? (legacy ? "token" : "code"),
    scope: options.scope,
    state: options.state ?? randomBytes(24).toString("base64"),
    ...(options.redirectURI !== undefined ? { redirectURI: options.redirectURI } : {}),
    ...(options.responseEncryptionKey !== undefined ? { responseEncryptionKey: options.responseEncryptionKey } : {})
  }
  return interactive(
    "authenticate",
    { oauth2 },
    {
      ...options,
      receivedMessage: options.receivedMessage ?? { title: options.title, style: "icon" },
      replyMessage: options.replyMessage ?? { title: options.replyTitle ?? "You Signed In", style: "icon" }
    }
  )
}
