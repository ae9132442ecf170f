import { featuresOf, type InteractiveData } from "./Interactive.ts"
import { APPLE_BID, type Bubble } from "./InteractiveCommon.ts"
import { parseStartTime } from "./TimePicker.ts"

/**
 * What Apple refuses beyond the schema (vendor-reported rejections and the documented rules of
 * each feature). The simulator answers 400 for any of these; domain code may call it first.
 */
export const problems = (data: InteractiveData, now: Date): ReadonlyArray<string> => {
  const found: Array<string> = []
  const features = featuresOf(data)
  if (features.length !== 1) found.push(`expected exactly one interactive feature, found ${features.length}`)
  const feature = features[0]
  if (feature === "iMessageApp") {
    if (data.bid === APPLE_BID) found.push("an iMessage app needs its own bid")
    if (data.appName === undefined || data.URL === undefined) found.push("an iMessage app needs appName and URL")
    if (data.receivedMessage === undefined) found.push("receivedMessage is required")
    return found
  }
  if (data.bid !== APPLE_BID) found.push("built-in interactive messages use Apple's business extension bid")
  const payload = data.data
  if (payload === undefined) return [...found, "data is required"]
  if (payload.version === undefined && payload.mspVersion === undefined) found.push("data.version is required")
  if (feature !== "quick-reply" && (data.receivedMessage === undefined || data.receivedMessage.title.trim() === ""))
    found.push("receivedMessage with a title is required")

  const images = new Set((payload.images ?? []).map((i) => i.identifier))
  if (images.size !== (payload.images ?? []).length) found.push("image identifiers must be unique")
  const refs: Array<string | undefined> = [data.receivedMessage?.imageIdentifier, data.replyMessage?.imageIdentifier]
  const unique = (ids: ReadonlyArray<string>, what: string) => {
    if (new Set(ids).size !== ids.length) found.push(`${what} identifiers must be unique`)
  }

  if (payload.listPicker !== undefined) {
    const items = payload.listPicker.sections.flatMap((s) => s.items)
    unique(
      items.map((i) => i.identifier),
      "list picker item"
    )
    refs.push(...items.map((i) => i.imageIdentifier))
  }
  if (payload.event !== undefined) {
    unique(
      payload.event.timeslots.map((t) => t.identifier),
      "time slot"
    )
    for (const slot of payload.event.timeslots) {
      const start = parseStartTime(slot.startTime)
      if (start === undefined) found.push(`time slot ${slot.identifier} has an invalid startTime`)
      else if (start.getTime() <= now.getTime()) found.push(`time slot ${slot.identifier} is in the past`)
    }
  }
  const quick = payload["quick-reply"]
  if (quick !== undefined) {
    if (quick.items.length < 2 || quick.items.length > 5) found.push("a quick reply has 2 to 5 items")
    unique(
      quick.items.map((i) => i.identifier),
      "quick reply item"
    )
  }
  if (payload.dynamic !== undefined) {
    const pages = payload.dynamic.data.pages
    const ids = pages.map((p) => p.pageIdentifier)
    unique(ids, "form page")
    const known = new Set(ids)
    if (!known.has(payload.dynamic.data.startPageIdentifier)) found.push("startPageIdentifier names no page")
    for (const page of pages) {
      const nexts = [page.nextPageIdentifier, ...(page.pageItems ?? []).map((i) => i.nextPageIdentifier)]
      for (const next of nexts)
        if (next !== undefined && !known.has(next)) found.push(`page ${page.pageIdentifier} links to unknown ${next}`)
      if ((page.type === "select" || page.type === "picker") && (page.pageItems ?? []).length === 0)
        found.push(`page ${page.pageIdentifier} needs pageItems`)
      refs.push(...(page.pageItems ?? []).map((i) => i.imageIdentifier))
    }
    if (!pages.some((p) => p.submitForm === true)) found.push("a form needs a page with submitForm")
    refs.push(payload.dynamic.data.splash?.imageIdentifier)
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
  for (const ref of refs) if (ref !== undefined && !images.has(ref)) found.push(`imageIdentifier ${ref} not in images`)
  return found
}

/** The title Apple shows in notifications and compares with an IDR's `title`. */
export const titleOf = (data: InteractiveData): string | undefined =>
  (data.receivedMessage as Bubble | undefined)?.title ?? data.data?.["quick-reply"]?.summaryText
