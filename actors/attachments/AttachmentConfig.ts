import { Config, Context, Layer } from "effect"
import type { ConfigError } from "effect/ConfigError"

export interface AttachmentConfigShape {
  /** Largest file kept from a customer or accepted from an agent, in bytes. */
  readonly maxBytes: number
}

export class AttachmentConfig extends Context.Tag("parley/actors/AttachmentConfig")<
  AttachmentConfig,
  AttachmentConfigShape
>() {}

/** Apple carries up to 100 MB each way (docs/apple.md, "Attachments"); a desk rarely needs more than a photo or a PDF. */
export const appleMaxBytes = 100 * 1024 * 1024

export const defaults: AttachmentConfigShape = { maxBytes: 25 * 1024 * 1024 }

export const config: Config.Config<AttachmentConfigShape> = Config.all({
  maxBytes: Config.integer("ATTACHMENT_MAX_BYTES").pipe(
    Config.validate({
      message: `must be an integer from 1 to ${appleMaxBytes} (Apple's limit)`,
      validation: (n) => n >= 1 && n <= appleMaxBytes
    }),
    Config.withDefault(defaults.maxBytes),
    Config.withDescription("Largest attachment kept or sent, in bytes (default 25 MiB)")
  )
})

export const layer = (overrides: Partial<AttachmentConfigShape> = {}): Layer.Layer<AttachmentConfig> =>
  Layer.succeed(AttachmentConfig, { ...defaults, ...overrides })

export const layerFromEnv: Layer.Layer<AttachmentConfig, ConfigError> = Layer.effect(AttachmentConfig, config)
