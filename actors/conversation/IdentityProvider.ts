import { Config, type ConfigError, Context, Effect, Layer, Option, type Redacted } from "effect"

/**
 * The business's OAuth 2.0 identity provider behind Apple sign-in. Apple carries no field for it:
 * the authorize URL, token URL and client id are registered in Apple Business Register, and the MSP
 * exchanges the code it receives at its redirect URI itself (docs/apple.md, "Sign-in"). Without a
 * provider the bot does not offer sign-in.
 */
export interface IdentityProviderShape {
  /** Where an authorization code is exchanged for an access token (RFC 6749 §4.1.3). */
  readonly tokenUrl: string
  /** Where the access token buys the customer's claims (OpenID Connect UserInfo). */
  readonly userinfoUrl: string
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  /** Asked for in the sign-in request; `email` must be among them to match a customer. */
  readonly scopes: ReadonlyArray<string>
}

export class IdentityProvider extends Context.Tag("parley/actors/IdentityProvider")<
  IdentityProvider,
  Option.Option<IdentityProviderShape>
>() {}

export const defaultScopes: ReadonlyArray<string> = ["openid", "email"]

const httpUrl = (name: string, description: string) =>
  Config.string(name).pipe(
    Config.validate({
      message: "must be an http(s) URL",
      validation: (value) => {
        try {
          return /^https?:$/.test(new URL(value).protocol)
        } catch {
          return false
        }
      }
    }),
    Config.withDescription(description)
  )

const provider: Config.Config<IdentityProviderShape> = Config.all({
  tokenUrl: httpUrl("AUTH2_TOKEN_URL", "Identity provider's token endpoint"),
  userinfoUrl: httpUrl("AUTH2_USERINFO_URL", "Identity provider's userinfo endpoint"),
  clientId: Config.nonEmptyString("AUTH2_CLIENT_ID").pipe(Config.withDescription("OAuth client id")),
  clientSecret: Config.redacted("AUTH2_CLIENT_SECRET").pipe(
    Config.withDescription("OAuth client secret; never logged")
  ),
  scopes: Config.string("AUTH2_SCOPES").pipe(
    Config.map((s) => s.split(/[\s,]+/).filter((scope) => scope.length > 0)),
    Config.validate({ message: "must include email", validation: (scopes) => scopes.includes("email") }),
    Config.withDefault(defaultScopes),
    Config.withDescription("Scopes asked for, space- or comma-separated")
  )
})

const anySet = Config.all([
  Config.option(Config.string("AUTH2_TOKEN_URL")),
  Config.option(Config.string("AUTH2_USERINFO_URL")),
  Config.option(Config.string("AUTH2_CLIENT_ID")),
  Config.option(Config.string("AUTH2_CLIENT_SECRET"))
]).pipe(Config.map((values) => values.some(Option.isSome)))

/** None when no `AUTH2_*` setting is given; all four when any is (a partial provider is an error). */
export const configured: Effect.Effect<Option.Option<IdentityProviderShape>, ConfigError.ConfigError> = Effect.gen(
  function* () {
    if (!(yield* anySet)) return Option.none()
    return Option.some(yield* provider)
  }
)

export const layer = (shape: Option.Option<IdentityProviderShape>): Layer.Layer<IdentityProvider> =>
  Layer.succeed(IdentityProvider, shape)

export const layerNone: Layer.Layer<IdentityProvider> = layer(Option.none())
