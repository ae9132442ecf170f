import { randomBytes } from "node:crypto"
import { Config, Context, Layer, Option, Redacted } from "effect"
import type { ConfigError } from "effect/ConfigError"

export interface AuthConfigShape {
  /** HMAC key for session tokens; every node of a deployment must share it. */
  readonly sessionSecret: Redacted.Redacted<Uint8Array>
  /** Lifetime of a session token in seconds; clients log in again (or refresh) before it ends. */
  readonly sessionSeconds: number
  /** True when the secret was generated at start-up (tokens die with the process). */
  readonly generated: boolean
}

export class AuthConfig extends Context.Tag("parley/http/auth/AuthConfig")<AuthConfig, AuthConfigShape>() {}

const generated = (): AuthConfigShape => ({
  sessionSecret: Redacted.make(new Uint8Array(randomBytes(32))),
  sessionSeconds: 3600,
  generated: true
})

export const config: Config.Config<AuthConfigShape> = Config.all({
  secret: Config.redacted("SESSION_SECRET").pipe(
    Config.validate({ message: "must be at least 32 characters", validation: (s) => Redacted.value(s).length >= 32 }),
    Config.option,
    Config.withDescription("HMAC key (32+ characters) for agent and portal session tokens; generated when unset")
  ),
  seconds: Config.integer("SESSION_SECONDS").pipe(
    Config.validate({ message: "must be between 60 and 86400", validation: (n) => n >= 60 && n <= 86400 }),
    Config.withDefault(3600),
    Config.withDescription("Session token lifetime in seconds")
  )
}).pipe(
  Config.map(({ secret, seconds }) =>
    Option.match(secret, {
      onNone: () => ({ ...generated(), sessionSeconds: seconds }),
      onSome: (s) => ({
        sessionSecret: Redacted.make(new TextEncoder().encode(Redacted.value(s))),
        sessionSeconds: seconds,
        generated: false
      })
    })
  )
)

/** A fresh random secret: tests and the single-node demo. */
export const layer = (overrides: Partial<AuthConfigShape> = {}): Layer.Layer<AuthConfig> =>
  Layer.sync(AuthConfig, () => ({ ...generated(), ...overrides }))

export const layerFromEnv: Layer.Layer<AuthConfig, ConfigError> = Layer.effect(AuthConfig, config)
