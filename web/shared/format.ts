/** Words and times as people read them: no enum strings, ids or raw ISO dates on a page. */

const words: Record<string, string> = {
  new: "New",
  work_in_progress: "In progress",
  on_hold: "On hold",
  closed_complete: "Closed",
  closed_abandoned: "Abandoned",
  transferred: "Transferred",
  pending_accept: "Pending accept",
  available: "Available",
  away: "Away",
  offline: "Offline",
  apple_messages: "Apple Messages",
  apple_default: "Apple default",
  mortgage_specialists: "Mortgage specialists",
  cards: "Cards",
  messaging: "Messaging",
  apple: "Apple",
  contact: "Contact",
  consumer: "Consumer",
  credit: "Credit",
  debit: "Debit",
  active: "Active",
  blocked: "Blocked",
  in_progress: "In progress",
  resolved: "Resolved",
  closed: "Closed"
}

/** `work_in_progress` → "In progress"; unknown snake/camel case becomes a sentence. */
export const label = (value: string | null | undefined): string => {
  if (value === null || value === undefined || value === "") return "—"
  const known = words[value]
  if (known !== undefined) return known
  const spaced = value
    .replace(/[_-]+/g, " ")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase()
  return spaced.charAt(0).toUpperCase() + spaced.slice(1)
}

export const time = (at: string | number | Date): string =>
  new Date(at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })

export const dateTime = (at: string | number | Date): string =>
  new Date(at).toLocaleString([], {
    weekday: "short",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit"
  })

/** "just now", "2 min ago", "3 h ago", then the date. */
export const ago = (at: string | number | Date, now = Date.now()): string => {
  const seconds = Math.max(0, Math.round((now - new Date(at).getTime()) / 1000))
  if (seconds < 45) return "just now"
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  return new Date(at).toLocaleDateString([], { month: "short", day: "numeric" })
}

/** 105 → "1:45". */
export const clock = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const r = String(s % 60).padStart(2, "0")
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${r}` : `${m}:${r}`
}

export const duration = (from: string | Date, to: string | Date | null): string =>
  to === null ? "—" : clock((new Date(to).getTime() - new Date(from).getTime()) / 1000)

/** Apple's time-picker start ("2026-12-08T16:00+0000") as a date. */
export const slotStart = (startTime: string): Date | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?([+-])(\d{2})(\d{2})$/.exec(startTime)
  const date = m === null ? new Date(startTime) : new Date(`${m[1]}${m[2] ?? ":00"}${m[3]}${m[4]}:${m[5]}`)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/** The device as people say it: "iPhone · iOS 18.2" from Apple's device agent header. */
export const device = (agent: string | null | undefined): string => {
  if (agent === null || agent === undefined || agent === "") return "Not reported"
  const kind = /ipad/i.test(agent)
    ? "iPad"
    : /iphone/i.test(agent)
      ? "iPhone"
      : /mac/i.test(agent)
        ? "Mac"
        : "Apple device"
  const os = /(?:iOS|iPadOS|OS|macOS)[ /_]?([\d._]+)/i.exec(agent)?.[1]?.replaceAll("_", ".")
  return os === undefined ? kind : `${kind} · ${/mac/i.test(kind) ? "macOS" : "iOS"} ${os}`
}

export const locale = (value: string | null | undefined): string => {
  if (value === null || value === undefined) return "Not reported"
  const tag = value.replace("_", "-")
  try {
    return new Intl.DisplayNames(["en"], { type: "language" }).of(tag) ?? tag
  } catch {
    return tag
  }
}
