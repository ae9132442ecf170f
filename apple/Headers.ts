import { Schema } from "effect"

/** Header names as Apple spells them; HTTP makes them case-insensitive. */
export const Header = {
  authorization: "authorization",
  id: "id",
  sourceId: "source-id",
  destinationId: "destination-id",
  capabilityList: "capability-list",
  /** Legacy name of `capability-list`. */
  capabilities: "capabilities",
  deviceAgent: "device-agent",
  autoReply: "auto-reply",
  mspAgent: "msp-agent",
  includeDataRef: "include-data-ref",
  contentEncoding: "content-encoding",
  mmcsSize: "mmcs-size",
  /** Legacy name of `MMCS-Size` on `/preUpload`. */
  size: "size",
  mmcsUrl: "mmcs-url",
  mmcsSignature: "mmcs-signature",
  mmcsOwner: "mmcs-owner",
  bid: "bid"
} as const

export const Capability = Schema.Literal("QUICK", "LIST", "TIME", "AUTH", "AUTH2", "FORM")
export type Capability = typeof Capability.Type

export const DeviceAgent = Schema.String
/** Forms and iMessage apps only render on these. */
export const isIosDevice = (deviceAgent: string | undefined): boolean =>
  deviceAgent === undefined || /iphone|ipad|ios/i.test(deviceAgent)

/**
 * `capability-list` is comma-separated and case-insensitive; one vendor shows it percent-encoded
 * (`%2C`), so both separators are read. Unknown names are kept (upper-cased) for newer devices.
 */
export const parseCapabilities = (raw: string | undefined): ReadonlyArray<string> => {
  if (raw === undefined) return []
  const names = raw
    .split(/,|%2C/i)
    .map((name) => name.trim().toUpperCase())
    .filter((name) => /^[A-Z0-9_]{1,32}$/.test(name))
  return Array.from(new Set(names))
}

/** The inbound headers that matter after authentication. */
export const InboundHeaders = Schema.Struct({
  id: Schema.optional(Schema.String),
  "source-id": Schema.NonEmptyString.pipe(Schema.maxLength(512)),
  "destination-id": Schema.NonEmptyString.pipe(Schema.maxLength(512)),
  "capability-list": Schema.optional(Schema.String),
  capabilities: Schema.optional(Schema.String),
  "device-agent": Schema.optional(Schema.String)
})
export type InboundHeaders = typeof InboundHeaders.Type
