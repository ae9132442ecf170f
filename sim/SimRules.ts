import { APPLE_BID, FEATURES, type Feature, type InteractiveData } from "./SimWire.ts"

/**
 * What the simulated gateway refuses beyond the shape of a message. Only rules Apple states (its
 * documentation or what its samples imply) are here, each with where it comes from in
 * docs/apple.md; a vendor's report of a refusal Apple's own sample contradicts is not a rule
 * (Apple's time-picker sample sends an empty event title and a slot in 2022, and expects a 200).
 */
export const interactiveProblems = (data: InteractiveData): ReadonlyArray<string> => {
  const found: Array<string> = []
  if (!/^com\.apple\.messages\.MSMessageExtensionBalloonPlugin:[^:]+:\S+$/.test(data.bid))
    found.push("bid must be com.apple.messages.MSMessageExtensionBalloonPlugin:<team-id>:<extension-id>")
  const payload = data.data
  const features = payload === undefined ? [] : FEATURES.filter((key) => payload[key] !== undefined)
  if (data.bid !== APPLE_BID) {
    // A custom iMessage app: `data` is ignored, the app reads `URL` (at most 64 KB).
    if (data.URL === undefined && features.length === 0) found.push("an iMessage app message needs a URL")
    if (data.URL !== undefined && Buffer.byteLength(data.URL) > 64 * 1024) found.push("URL is over 64 KB")
    if (data.receivedMessage === undefined) found.push("receivedMessage is required")
    return found
  }
  if (payload === undefined) return [...found, "data is required for Apple's built-in extension"]
  if (payload.version === undefined && payload.mspVersion === undefined)
    found.push("data.version (or mspVersion) is required")
  if (payload.requestIdentifier === undefined || payload.requestIdentifier === "")
    found.push("data.requestIdentifier is required")
  if (features.length !== 1) found.push(`expected exactly one interactive feature, found ${features.length}`)
  const feature: Feature | undefined = features[0]
  // Apple's table marks receivedMessage required; its quick-reply sample sends none.
  if (feature !== undefined && feature !== "quick-reply" && (data.receivedMessage?.title ?? "").trim() === "")
    found.push("receivedMessage with a title is required")

  const images = new Set((payload.images ?? []).map((i) => i.identifier))
  const refs: Array<string | undefined> = [data.receivedMessage?.imageIdentifier, data.replyMessage?.imageIdentifier]
  const unique = (ids: ReadonlyArray<string>, what: string) => {
    if (new Set(ids).size !== ids.length) found.push(`${what} identifiers must be unique`)
  }
  if (payload.listPicker !== undefined) {
    const items = payload.listPicker.sections.flatMap((s) => s.items)
    if (items.length === 0) found.push("a list picker needs items")
    unique(
      items.map((i) => i.identifier),
      "list picker item"
    )
    refs.push(...items.map((i) => i.imageIdentifier))
  }
  if (payload.event !== undefined) {
    if (payload.event.timeslots.length === 0) found.push("a time picker needs time slots")
    for (const slot of payload.event.timeslots)
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?[+-]\d{4}$/.test(slot.startTime))
        found.push(`time slot ${slot.identifier}: startTime must look like 2022-07-10T17:00+0000`)
  }
  const quick = payload["quick-reply"]
  if (quick !== undefined && (quick.items.length < 2 || quick.items.length > 5))
    found.push("a quick reply has 2 to 5 items")
  if (payload.dynamic !== undefined) {
    const ids = new Set(payload.dynamic.data.pages.map((p) => p.pageIdentifier))
    if (!ids.has(payload.dynamic.data.startPageIdentifier)) found.push("startPageIdentifier names no page")
    refs.push(payload.dynamic.data.splash?.imageIdentifier)
    refs.push(...payload.dynamic.data.pages.flatMap((p) => (p.pageItems ?? []).map((i) => i.imageIdentifier)))
  }
  const oauth2 = payload.authenticate?.oauth2
  if (oauth2 !== undefined) {
    if (oauth2.responseEncryptionKey !== undefined) {
      const key = Buffer.from(oauth2.responseEncryptionKey, "base64")
      if (key.length !== 97 || key[0] !== 0x04)
        found.push("responseEncryptionKey must be a Base64 uncompressed P-384 point")
    } else if (oauth2.redirectURI === undefined || !/^https?:\/\//.test(oauth2.redirectURI)) {
      found.push("AUTH2 requests need a redirectURI")
    }
  }
  if (payload.payment !== undefined && !/^https:\/\//.test(payload.payment.endpoints.paymentGatewayUrl))
    found.push("paymentGatewayUrl must be https")
  for (const ref of refs) if (ref !== undefined && !images.has(ref)) found.push(`imageIdentifier ${ref} not in images`)
  return found
}

/** The capability (or device family) a built-in feature needs on the customer's device. */
export const needs = (data: InteractiveData): string | undefined => {
  const payload = data.data
  if (data.bid !== APPLE_BID) return "IMESSAGE_APP"
  if (payload?.listPicker !== undefined) return "LIST"
  if (payload?.event !== undefined) return "TIME"
  if (payload?.["quick-reply"] !== undefined) return "QUICK"
  if (payload?.dynamic !== undefined) return "FORM"
  if (payload?.authenticate !== undefined)
    return payload.authenticate.oauth2.responseEncryptionKey !== undefined ? "AUTH" : "AUTH2"
  return undefined
}

/** The title Apple compares with a reference's `title`. */
export const titleOf = (data: InteractiveData): string | undefined =>
  data.receivedMessage?.title ?? data.data?.["quick-reply"]?.summaryText

const urlPattern = /\b(?:https?:\/\/|www\.)[^\s<>"']+/i

/** Apple's certification wants every URL sent as a rich link, never inside plain text. */
export const hasUrl = (text: string): boolean => urlPattern.test(text)

/** Rich link preview images are at most 200 kB. */
export const MAX_LINK_IMAGE_BYTES = 200 * 1024
