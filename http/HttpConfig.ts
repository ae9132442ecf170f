import { Config, Context, Layer, Option, Redacted } from "effect"
import type { ConfigError } from "effect/ConfigError"

export interface HttpConfigShape {
  readonly port: number
  readonly host: string
  /** Public base URL of this deployment, used in links we send (knowledge pages). */
  readonly publicUrl: string
  /**
   * Browser origins the agent socket accepts besides the public URL's and the node's own
   * (`Origin` equal to the request's `Host`); from `ALLOWED_ORIGINS`.
   */
  readonly allowedOrigins: ReadonlyArray<string>
  /**
   * Reverse proxies in front of the node whose `X-Forwarded-For` entry is trusted: the client
   * address is that many entries from the right. 0 = the socket's peer address.
   */
  readonly trustedProxyHops: number
  /** When set, `GET /metrics` wants `Authorization: Bearer <token>`. */
  readonly metricsToken: Option.Option<Redacted.Redacted>
}

export class HttpConfig extends Context.Tag("parley/http/HttpConfig")<HttpConfig, HttpConfigShape>() {}

export const defaults: HttpConfigShape = {
  port: 3000,
  host: "0.0.0.0",
  publicUrl: "http://localhost:3000",
  allowedOrigins: [],
  trustedProxyHops: 0,
  metricsToken: Option.none()
}

const isHttpUrl = (s: string) => /^https?:\/\/\S+$/.test(s)

/** `https://example.com/path/` → `https://example.com`: the form browsers send in `Origin`. */
export const originOf = (url: string): string => new URL(url).origin

export const config: Config.Config<HttpConfigShape> = Config.all({
  port: Config.port("PORT").pipe(
    Config.withDefault(defaults.port),
    Config.withDescription("HTTP port (Apple webhook, agent WebSocket, REST, pages); 0 = any free port")
  ),
  host: Config.string("HOST").pipe(Config.withDefault(defaults.host), Config.withDescription("HTTP bind address")),
  publicUrl: Config.string("PUBLIC_URL").pipe(
    Config.validate({ message: "must be an http(s) URL", validation: isHttpUrl }),
    Config.option,
    Config.withDescription("Public base URL for links; default http://localhost:<PORT>")
  ),
  allowedOrigins: Config.array(Config.string(), "ALLOWED_ORIGINS").pipe(
    Config.validate({
      message: "must be http(s) URLs, comma-separated",
      validation: (list) => list.every((s) => isHttpUrl(s.trim()))
    }),
    Config.withDefault([]),
    Config.withDescription("Extra browser origins allowed to open the agent socket")
  ),
  trustedProxyHops: Config.integer("TRUSTED_PROXY_HOPS").pipe(
    Config.validate({ message: "must be between 0 and 10", validation: (n) => n >= 0 && n <= 10 }),
    Config.withDefault(defaults.trustedProxyHops),
    Config.withDescription("Reverse proxies whose X-Forwarded-For entries are trusted for the client address")
  ),
  metricsToken: Config.redacted("METRICS_TOKEN").pipe(
    Config.validate({
      message: "must be at least 16 characters",
      validation: (s) => Redacted.value(s).length >= 16
    }),
    Config.option,
    Config.withDescription("Bearer token GET /metrics asks for; unset = open")
  )
}).pipe(
  Config.map(({ port, publicUrl, allowedOrigins, ...rest }) => ({
    ...rest,
    port,
    publicUrl: publicUrl._tag === "Some" ? publicUrl.value.replace(/\/$/, "") : `http://localhost:${port}`,
    allowedOrigins: allowedOrigins.map((s) => originOf(s.trim()))
  }))
)

export const layer = (overrides: Partial<HttpConfigShape> = {}): Layer.Layer<HttpConfig> =>
  Layer.succeed(HttpConfig, { ...defaults, ...overrides })

export const layerFromEnv: Layer.Layer<HttpConfig, ConfigError> = Layer.effect(HttpConfig, config)
