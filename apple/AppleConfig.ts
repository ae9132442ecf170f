import { createSecretKey, type KeyObject, randomBytes, randomUUID } from "node:crypto"
import { Config, Context, Duration, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import * as ConfigError from "effect/ConfigError"
import { AppsByName } from "./IMessageApp.ts"

export interface AppleConfigShape {
  /** Our MSP id: `aud` of Apple's tokens, `iss` of ours. */
  readonly mspId: string
  /** Apple's shared secret exactly as Apple Business Register delivers it (Base64 text). */
  readonly secret: Redacted.Redacted<string>
  /** The businesses we serve; a webhook for any other `destination-id` gets 404. */
  readonly businessIds: ReadonlyArray<string>
  /** Apple gateway base, e.g. `https://mspgw.push.apple.com/v1` (the simulator in tests). */
  readonly apiBase: string
  /** How far an inbound token's `iat` may be from our clock. */
  readonly jwtSkew: Duration.Duration
  /** Largest inbound body we read, compressed and decompressed alike. */
  readonly maxBody: number
  /** Apple waits 30 s for us and asks us to wait no longer for it. */
  readonly requestTimeout: Duration.Duration
  /** `msp-agent` header on every send (Apple logs the first 64 characters). */
  readonly mspAgent: string
  /** `Retry-After` we answer with when the inbox cannot take a message. */
  readonly retryAfter: Duration.Duration
  /** Custom iMessage apps by the name topics use (e.g. `delivery-slots`); none by default. */
  readonly imessageApps: AppsByName
}

export class AppleConfig extends Context.Tag("parley/apple/AppleConfig")<AppleConfig, AppleConfigShape>() {}

type Identity = Pick<AppleConfigShape, "mspId" | "secret" | "businessIds">

export const defaults: Omit<AppleConfigShape, keyof Identity> = {
  apiBase: "https://mspgw.push.apple.com/v1",
  // Apple documents no token lifetime and may reuse a token for a while: an hour either way.
  jwtSkew: Duration.hours(1),
  maxBody: 10 * 1024 * 1024,
  requestTimeout: Duration.seconds(30),
  mspAgent: "parley",
  retryAfter: Duration.seconds(5),
  imessageApps: {}
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/

export const isBase64 = (text: string): boolean => text.length > 0 && base64.test(text)

/** The HS256 key: Apple's secret Base64-decoded (signing with the Base64 text is a known bug). */
export const secretKey = (config: Pick<AppleConfigShape, "secret">): Uint8Array =>
  new Uint8Array(Buffer.from(Redacted.value(config.secret), "base64"))

const verificationKeys = new WeakMap<Pick<AppleConfigShape, "secret">, KeyObject>()

/** `secretKey` imported once per configuration, so verifying a webhook does not import it again. */
export const verificationKey = (config: Pick<AppleConfigShape, "secret">): KeyObject => {
  const known = verificationKeys.get(config)
  if (known !== undefined) return known
  const key = createSecretKey(secretKey(config))
  verificationKeys.set(config, key)
  return key
}

const identityConfig: Config.Config<Identity> = Config.all({
  mspId: Config.nonEmptyString("APPLE_MSP_ID").pipe(
    Config.withDescription("MSP id issued by Apple Business Register (JWT iss outbound, aud inbound)")
  ),
  secret: Config.redacted("APPLE_MSP_SECRET").pipe(
    Config.validate({ message: "must be valid Base64", validation: (s) => isBase64(Redacted.value(s)) }),
    Config.withDescription("Messaging API secret, Base64 as delivered by Apple; never logged")
  ),
  businessIds: Config.nonEmptyString("APPLE_BUSINESS_ID").pipe(
    Config.map((s) =>
      s
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id.length > 0)
    ),
    Config.validate({ message: "must list at least one business id", validation: (ids) => ids.length > 0 }),
    Config.withDescription("Comma-separated business ids we serve (destination-id inbound, source-id outbound)")
  )
})

export const tuning: Config.Config<Omit<AppleConfigShape, keyof Identity>> = Config.all({
  apiBase: Config.string("APPLE_API_BASE").pipe(
    Config.validate({ message: "must be an http(s) URL", validation: (s) => /^https?:\/\/\S+$/.test(s) }),
    Config.map((s) => s.replace(/\/+$/, "")),
    Config.withDefault(defaults.apiBase),
    Config.withDescription("Apple Messages for Business gateway base URL")
  ),
  jwtSkew: Config.duration("APPLE_JWT_SKEW").pipe(
    Config.withDefault(defaults.jwtSkew),
    Config.withDescription("Accepted distance between an inbound token's iat and our clock")
  ),
  maxBody: Config.integer("APPLE_MAX_BODY").pipe(
    Config.validate({ message: "must be between 1 KiB and 1 GiB", validation: (n) => n >= 1024 && n <= 2 ** 30 }),
    Config.withDefault(defaults.maxBody),
    Config.withDescription("Largest inbound webhook body in bytes (compressed and decompressed)")
  ),
  requestTimeout: Config.duration("APPLE_REQUEST_TIMEOUT").pipe(
    Config.withDefault(defaults.requestTimeout),
    Config.withDescription("Timeout of each call to Apple")
  ),
  mspAgent: Config.string("APPLE_MSP_AGENT").pipe(
    Config.withDefault(defaults.mspAgent),
    Config.withDescription("msp-agent header sent to Apple")
  ),
  retryAfter: Config.duration("APPLE_RETRY_AFTER").pipe(
    Config.withDefault(defaults.retryAfter),
    Config.withDescription("Retry-After answered when the inbox is unavailable")
  ),
  imessageApps: Config.string("APPLE_IMESSAGE_APPS").pipe(
    Config.mapOrFail((json) =>
      Either.mapLeft(Schema.decodeEither(Schema.parseJson(AppsByName))(json), () =>
        ConfigError.InvalidData(
          [],
          'must be JSON like {"delivery-slots":{"teamId":…,"extensionBundleId":…,"appId":1,"appName":…}}'
        )
      )
    ),
    Config.withDefault(defaults.imessageApps),
    Config.withDescription("Custom iMessage apps (JSON by name) that topics may use instead of built-in pickers")
  )
})

export const config: Config.Config<AppleConfigShape> = Config.all([identityConfig, tuning]).pipe(
  Config.map(([identity, tuning]) => ({ ...tuning, ...identity }))
)

/** Random identity for a demo run against the simulator; never valid at Apple. */
export const demo = (): Effect.Effect<Identity> =>
  Effect.sync(() => ({
    mspId: randomUUID(),
    secret: Redacted.make(randomBytes(32).toString("base64")),
    businessIds: [randomUUID()]
  }))

export const layer = (options: Identity & Partial<AppleConfigShape>): Layer.Layer<AppleConfig> =>
  Layer.succeed(AppleConfig, { ...defaults, ...options })

const anyIdentitySet = Config.all([
  Config.option(Config.string("APPLE_MSP_ID")),
  Config.option(Config.string("APPLE_MSP_SECRET")),
  Config.option(Config.string("APPLE_BUSINESS_ID"))
]).pipe(Config.map((values) => values.some(Option.isSome)))

/**
 * Reads the environment; when none of the identity keys is set it falls back to `demo()` (a
 * partial identity is a configuration error, never a silent demo).
 */
export const layerFromEnv: Layer.Layer<AppleConfig, ConfigError.ConfigError> = Layer.effect(
  AppleConfig,
  Effect.gen(function* () {
    if (yield* anyIdentitySet) return yield* config
    const identity = yield* demo()
    const settings = yield* tuning
    yield* Effect.logInfo("Apple identity not configured: using generated demo values").pipe(
      Effect.annotateLogs({ mspId: identity.mspId, businessIds: identity.businessIds.join(",") })
    )
    return { ...settings, ...identity }
  })
)

/** The full configuration when any identity key is set (a partial identity fails); none in demo mode. */
export const configuredIdentity: Effect.Effect<Option.Option<AppleConfigShape>, ConfigError.ConfigError> = Effect.gen(
  function* () {
    if (!(yield* anyIdentitySet)) return Option.none()
    return Option.some(yield* config)
  }
)
