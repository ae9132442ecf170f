import type { WireImage, WireTimeslot } from "../../sim/SimControlWire.ts"

/** Apple's `startTime` (`2030-07-10T17:00+0000`) as a Date. */
export const parseStartTime = (startTime: string): Date | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?([+-])(\d{2})(\d{2})$/.exec(startTime)
  if (m === null) return undefined
  const date = new Date(`${m[1]}${m[2] ?? ":00"}${m[3]}${m[4]}:${m[5]}`)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/**
 * Slots are shown in the customer's own zone, unless the event sets `timezoneOffset`: then everyone
 * sees the event's zone (Apple's time picker rule).
 */
const shifted = (date: Date, offsetMinutes: number | undefined): { readonly date: Date; readonly timeZone?: string } =>
  offsetMinutes === undefined ? { date } : { date: new Date(date.getTime() + offsetMinutes * 60_000), timeZone: "UTC" }

export const slotDay = (slot: WireTimeslot, offset: number | undefined): string => {
  const start = parseStartTime(slot.startTime)
  if (start === undefined) return slot.startTime
  const { date, timeZone } = shifted(start, offset)
  return date.toLocaleDateString(undefined, {
    weekday: "long",
    month: "long",
    day: "numeric",
    ...(timeZone !== undefined ? { timeZone } : {})
  })
}

export const slotTime = (slot: WireTimeslot, offset: number | undefined): string => {
  const start = parseStartTime(slot.startTime)
  if (start === undefined) return slot.startTime
  const { date, timeZone } = shifted(start, offset)
  const options = { hour: "numeric", minute: "2-digit", ...(timeZone !== undefined ? { timeZone } : {}) } as const
  const end = new Date(date.getTime() + slot.duration * 1000)
  return `${date.toLocaleTimeString(undefined, options)} – ${end.toLocaleTimeString(undefined, options)}`
}

export const zoneNote = (offset: number | undefined): string => {
  if (offset === undefined) return `Times in your time zone (${Intl.DateTimeFormat().resolvedOptions().timeZone})`
  const sign = offset < 0 ? "−" : "+"
  const abs = Math.abs(offset)
  return `Times in the business's time zone (GMT${sign}${Math.floor(abs / 60)}${abs % 60 === 0 ? "" : `:${String(abs % 60).padStart(2, "0")}`})`
}

export const clock = (iso: string): string =>
  new Date(iso).toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" })

export const dayAndClock = (iso: string): string => {
  const at = new Date(iso)
  const today = new Date().toDateString() === at.toDateString()
  return `${today ? "Today" : at.toLocaleDateString(undefined, { weekday: "short", month: "short", day: "numeric" })} ${clock(iso)}`
}

export const fileSize = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} bytes`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(0)} KB`
      : `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** An image the business sent inside the interactive data (`data.images`), as a `src`. */
export const imageSrc = (images: ReadonlyArray<WireImage> | undefined, identifier: string | undefined) => {
  if (identifier === undefined) return undefined
  const image = images?.find((i) => i.identifier === identifier)
  return image === undefined ? undefined : `data:image/png;base64,${image.data}`
}

export const hostOf = (url: string): string => {
  try {
    return new URL(url).host.replace(/^www\./, "")
  } catch {
    return url
  }
}

export const money = (amount: string, currency: string): string => {
  const n = Number(amount)
  return Number.isFinite(n) ? n.toLocaleString(undefined, { style: "currency", currency }) : `${amount} ${currency}`
}
