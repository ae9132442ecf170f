import { Schema } from "effect"

/** Apple writes sizes as numbers inbound and as strings in its outbound sample; accept both. */
export const Size = Schema.Union(
  Schema.NonNegativeInt,
  Schema.NumberFromString.pipe(Schema.int(), Schema.nonNegative())
)

export const HexKey = Schema.String.pipe(
  Schema.pattern(/^(00)?[0-9a-fA-F]{64}$/, { message: () => "key must be '00' + 64 hex digits" })
)

/**
 * `interactiveDataRef`: an interactive payload over 10 KB, stored encrypted at Apple (§5.10). Inbound
 * it carries a hex `signature`; Apple's `dataRef` answer and our own uploads carry `signature-base64`.
 */
export const InteractiveDataRef = Schema.Struct({
  bid: Schema.String,
  url: Schema.NonEmptyString,
  owner: Schema.NonEmptyString,
  key: HexKey,
  size: Size,
  signature: Schema.optional(Schema.String),
  "signature-base64": Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  dataRefSig: Schema.optional(Schema.String)
})
export type InteractiveDataRef = typeof InteractiveDataRef.Type

/** Interactive JSON larger than this must travel by reference. */
export const IDR_THRESHOLD = 10 * 1024

export const jsonSize = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8")
