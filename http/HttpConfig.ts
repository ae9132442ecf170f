import { Config, Context, Layer } from "effect"
import type { ConfigError } from "effect/ConfigError"

export interface HttpConfigShape {
  readonly port: number
  readonly host: string
  /** Public base URL of this deployment, used in links we send (knowledge pages). */
  readonly publicUrl: string
}

export class HttpConfig extends Context.Tag("parley/http/HttpConfig")<HttpConfig, HttpConfigShape>() {}

export const defaults: HttpConfigShape = { port: 3000, host: "0.0.0.0", publicUrl: "http://localhost:3000" }

export const config: Config.Config<HttpConfigShape> = Config.all({
  port: Config.port("PORT").pipe(
    Config.withDefault(defaults.port),
    Config.withDescription("HTTP port (Apple webhook, agent WebSocket, REST, pages); 0 = any free port")
  ),
  host: Config.string("HOST").pipe(Config.withDefault(defaults.host), Config.withDescription("HTTP bind address")),
  publicUrl: Config.string("PUBLIC_URL").pipe(
    Config.validate({ message: "must be an http(s) URL", validation: (s) => /^https?:\/\/\S+$/.test(s) }),
    Config.option,
    Config.withDescription("Public base URL for links; default http://localhost:<PORT>")
  )
}).pipe(
  Config.map(({ port, host, publicUrl }) => ({
    port,
    host,
    publicUrl: publicUrl._tag === "Some" ? publicUrl.value.replace(/\/$/, "") : `http://localhost:${port}`
  }))
)

export const layer = (overrides: Partial<HttpConfigShape> = {}): Layer.Layer<HttpConfig> =>
  Layer.succeed(HttpConfig, { ...defaults, ...overrides })

export const layerFromEnv: Layer.Layer<HttpConfig, ConfigError> = Layer.effect(HttpConfig, config)
