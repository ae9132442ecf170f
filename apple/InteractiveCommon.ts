import { randomUUID } from "node:crypto"
import { Schema } from "effect"

/** Apple's built-in "business extension" that renders pickers, forms, quick replies, auth and Apple Pay. */
export const APPLE_BID =
  "com.apple.messages.MSMessageExtensionBalloonPlugin:0000000000:com.apple.icloud.apps.messages.business.extension"

export const Bid = Schema.String.pipe(
  Schema.pattern(/^com\.apple\.messages\.MSMessageExtensionBalloonPlugin:[^:]+:\S+$/, {
    message: () => "bid must be com.apple.messages.MSMessageExtensionBalloonPlugin:<team-id>:<extension-id>"
  })
)

export const Base64String = Schema.String.pipe(
  Schema.pattern(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, {
    message: () => "must be Base64"
  })
)

export const BubbleStyle = Schema.Literal("icon", "small", "large")

/** `receivedMessage` / `replyMessage`: the bubble shown before and after the customer answers. */
export const Bubble = Schema.Struct({
  title: Schema.String.pipe(Schema.maxLength(512)),
  subtitle: Schema.optional(Schema.String.pipe(Schema.maxLength(512))),
  style: Schema.optional(BubbleStyle),
  imageIdentifier: Schema.optional(Schema.String),
  secondarySubtitle: Schema.optional(Schema.String),
  tertiarySubtitle: Schema.optional(Schema.String),
  imageTitle: Schema.optional(Schema.String),
  imageSubtitle: Schema.optional(Schema.String),
  alternateTitle: Schema.optional(Schema.String)
})
export type Bubble = typeof Bubble.Type

export const Image = Schema.Struct({ identifier: Schema.NonEmptyString, data: Base64String })
export type Image = typeof Image.Type

/** Everything builders accept for the surrounding bubble(s). */
export interface BubbleOptions {
  readonly receivedMessage?: Bubble
  readonly replyMessage?: Bubble
  readonly images?: ReadonlyArray<{ readonly identifier: string; readonly data: Uint8Array | string }>
  readonly sessionIdentifier?: string
  readonly requestIdentifier?: string
}

export const imageOf = (image: { readonly identifier: string; readonly data: Uint8Array | string }): Image => ({
  identifier: image.identifier,
  data: typeof image.data === "string" ? image.data : Buffer.from(image.data).toString("base64")
})

export interface BuiltInteractive<K extends string, V> {
  readonly bid: string
  readonly data: {
    readonly version: "1.0"
    readonly requestIdentifier: string
    readonly images?: ReadonlyArray<Image>
  } & { readonly [P in K]: V }
  readonly receivedMessage?: Bubble
  readonly replyMessage?: Bubble
  readonly sessionIdentifier?: string
}

/** Wraps one feature payload (`listPicker`, `event`, …) in Apple's interactive envelope. */
export const interactive = <K extends string, V>(key: K, value: V, options: BubbleOptions): BuiltInteractive<K, V> => {
  const feature = { [key]: value } as { readonly [P in K]: V }
  return {
    bid: APPLE_BID,
    data: {
      version: "1.0",
      requestIdentifier: options.requestIdentifier ?? randomUUID(),
      ...(options.images !== undefined && options.images.length > 0 ? { images: options.images.map(imageOf) } : {}),
      ...feature
    },
    ...(options.receivedMessage !== undefined ? { receivedMessage: options.receivedMessage } : {}),
    ...(options.replyMessage !== undefined ? { replyMessage: options.replyMessage } : {}),
    ...(options.sessionIdentifier !== undefined ? { sessionIdentifier: options.sessionIdentifier } : {})
  }
}
