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
  /** Failed sign-ins per account within the window before that account answers 429. */
  readonly signInFailuresPerAccount: number
  /** Failed sign-ins per client address within the window before that address answers 429. */
  readonly signInFailuresPerAddress: number
  readonly signInWindowSeconds: number
}

export class AuthConfig extends Context.Tag("parley/http/auth/AuthConfig")<AuthConfig, AuthConfigShape>() {}

export const throttleDefaults = {
  signInFailuresPerAccount: 5,
  signInFailuresPerAddress: 50,
  signInWindowSeconds: 900
} as const

const generated = (): AuthConfigShape => ({
  sessionSecret: Redacted.make(new Uint8Array(randomBytes(32))),
  sessionSeconds: 3600,
  generated: true,
  ...throttleDefaults
})

const count = (name: string, fallback: number, description: string) =>
  Config.integer(name).pipe(
    Config.validate({ message: "must be between 1 and 100000", validation: (n) => n >= 1 && n <= 100_000 }),
    Config.withDefault(fallback),
    Config.withDescription(description)
  )

export const config: Config.Config<AuthConfigShape> = Config.all({
  secret: Config.redacted("SESSION_SECRET").pipe(
    Config.validate({ message: "must be at least 32 characters", validation: (s) => Redacted.value(s).length >= 32 }),
    Config.option,
    Config.withDescription("HMAC key (32+ characters) for session tokens; required outside demo mode")
  ),
  seconds: Config.integer("SESSION_SECONDS").pipe(
    Config.validate({ message: "must be between 60 and 86400", validation: (n) => n >= 60 && n <= 86400 }),
    Config.withDefault(3600),
    Config.withDescription("Session token lifetime in seconds")
  ),
  signInFailuresPerAccount: count(
    "SIGNIN_MAX_FAILURES",
    throttleDefaults.signInFailuresPerAccount,
    "Failed sign-ins per account within SIGNIN_WINDOW_SECONDS before it answers 429"
  ),
  signInFailuresPerAddress: count(
    "SIGNIN_MAX_FAILURES_PER_ADDRESS",
    throttleDefaults.signInFailuresPerAddress,
    "Failed sign-ins per client address within SIGNIN_WINDOW_SECONDS before it answers 429"
  ),
  signInWindowSeconds: count(
    "SIGNIN_WINDOW_SECONDS",
    throttleDefaults.signInWindowSeconds,
    "Window over which failed sign-ins are counted"
  )
}).pipe(
  Config.map(({ secret, seconds, ...throttle }) =>
    Option.match(secret, {
      onNone: () => ({ ...generated(), ...throttle, sessionSeconds: seconds }),
      onSome: (s) => ({
        sessionSecret: Redacted.make(new TextEncoder().encode(Redacted.value(s))),
        sessionSeconds: seconds,
        generated: false,
        ...throttle
      })
    })
  )
)

/** A fresh random secret: tests and the single-node demo. */
export const layer = (overrides: Partial<AuthConfigShape> = {}): Layer.Layer<AuthConfig> =>
  Layer.sync(AuthConfig, () => ({ ...generated(), ...overrides }))

export const layerFromEnv: Layer.Layer<AuthConfig, ConfigError> = Layer.effect(AuthConfig, config)
