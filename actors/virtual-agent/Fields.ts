import { labelsCarryNumbers, optionOf } from "./Choices.ts"
import { isSkip } from "./Intent.ts"
import type { FormField } from "./Topic.ts"

/**
 * A form field answered in text (a device without forms, or a customer who types instead): the
 * value to save, or what to tell the customer about the answer. Dates, phone numbers and
 * addresses are checked as such; a prefilled value is kept with "ok".
 */
export type FieldAnswer =
  | { readonly _tag: "Value"; readonly value: string | undefined }
  | { readonly _tag: "Invalid"; readonly message: string }

const invalid = (message: string): FieldAnswer => ({ _tag: "Invalid", message })
const value = (v: string | undefined): FieldAnswer => ({ _tag: "Value", value: v })

/** "back", "go back", "previous", "undo": the customer wants to change the answer before. */
export const isBack = (text: string): boolean =>
  /^(go |please )?(back|previous|undo|change (that|the last( one| answer)?))( please)?[.!]?$/i.test(text.trim())

const keeps = (text: string) =>
  /^(ok(ay)?|keep( it)?|yes|yep|same|that'?s (right|correct|fine)|correct)[.!]?$/i.test(text)

const months = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december"
]
const weekdays = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]

const iso = (d: Date) => d.toISOString().slice(0, 10)
const utcDay = (y: number, m: number, d: number): Date | undefined => {
  const date = new Date(Date.UTC(y, m, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m && date.getUTCDate() === d ? date : undefined
}
const monthOf = (word: string) => {
  const i = months.findIndex((m) => word.length >= 3 && m.startsWith(word.toLowerCase()))
  return i < 0 ? undefined : i
}
const daysBefore = (today: Date, days: number) => new Date(today.getTime() - days * 86_400_000)

/**
 * A past date as the customer may write it: 2026-03-01, today, yesterday, 3 days ago, (last)
 * Monday, 1 March (2026), March 1(st)(, 2026). A day and month without a year is the last such day.
 * Numeric 1/3/2026 is refused: whether it is January or March depends on where the customer lives.
 */
export const dateOf = (text: string, today: Date): Date | "ambiguous" | undefined => {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/(\d)(st|nd|rd|th)\b/g, "$1")
    .replace(/[,.]/g, " ")
    .replace(/\s+/g, " ")
    .replace(/^(on|it was|it happened|about|around) /, "")
    .trim()
  const start = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()))
  const isoMatch = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t)
  if (isoMatch !== null) return utcDay(Number(isoMatch[1]), Number(isoMatch[2]) - 1, Number(isoMatch[3]))
  if (t === "today" || t === "this morning" || t === "tonight") return start
  if (t === "yesterday" || t === "last night") return daysBefore(start, 1)
  const ago = /^(\d{1,3}|a|one|two|three|four|five|six|seven) (day|days|week|weeks) ago$/.exec(t)
  if (ago !== null) {
    const n = { a: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7 }[ago[1] ?? ""] ?? Number(ago[1])
    return daysBefore(start, ago[2]?.startsWith("week") === true ? n * 7 : n)
  }
  const weekday = /^(last )?(\w+)$/.exec(t)
  const day = weekday === null ? -1 : weekdays.indexOf(weekday[2] ?? "")
  if (day >= 0) {
    const back = (start.getUTCDay() - day + 7) % 7 || (weekday?.[1] !== undefined ? 7 : 0)
    return daysBefore(start, back)
  }
  const named = /^(\d{1,2}) ([a-z]+)(?: (\d{4}))?$/.exec(t) ?? /^([a-z]+) (\d{1,2})(?: (\d{4}))?$/.exec(t)
  if (named !== null) {
    const [dayText, monthText] = /^\d/.test(named[1] ?? "") ? [named[1], named[2]] : [named[2], named[1]]
    const month = monthOf(monthText ?? "")
    if (month === undefined) return undefined
    const year = named[3] !== undefined ? Number(named[3]) : start.getUTCFullYear()
    const date = utcDay(year, month, Number(dayText))
    if (date === undefined || named[3] !== undefined || date <= start) return date
    return utcDay(year - 1, month, Number(dayText))
  }
  if (/^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/.test(t)) return "ambiguous"
  return undefined
}

const digitsOf = (text: string) => text.replace(/[\s().-]/g, "")

/** A phone number: 7 to 15 digits (E.164's limit), an optional leading +, spaces, dots, dashes and brackets. */
export const isPhone = (text: string): boolean => /^\+?\d{7,15}$/.test(digitsOf(text))

/** A postal address: a house number and at least two words ("88 Hudson Street, New York"). */
export const isAddress = (text: string): boolean =>
  /\d/.test(text) && (text.match(/\p{L}{2,}/gu)?.length ?? 0) >= 2 && text.trim().length >= 8

/** Reads `text` as the answer to `field`; `kept` is the value it has now (prefilled or given before). */
export const readField = (field: FormField, text: string, kept: string | undefined, today: Date): FieldAnswer => {
  const t = text.trim()
  if (kept !== undefined && keeps(t)) return value(kept)
  if (!field.required && isSkip(t)) return value(undefined)
  switch (field.type) {
    case "select": {
      const options = field.options ?? []
      const picked = optionOf(t, options, !labelsCarryNumbers(options))
      return picked !== undefined
        ? value(picked.id)
        : invalid(`Please choose one of: ${options.map((o) => o.title).join(", ")}.`)
    }
    case "date": {
      const skip = field.required ? "" : `, or say "skip"`
      const date = dateOf(t, today)
      if (date === "ambiguous")
        return invalid(`Is that day/month or month/day? Please write it like ${iso(daysBefore(today, 3))}${skip}.`)
      if (date === undefined)
        return invalid(`Please give the date like ${iso(daysBefore(today, 3))}, or say "yesterday"${skip}.`)
      if (date.getTime() > today.getTime()) return invalid(`That date is in the future. ${field.title}`)
      return value(iso(date))
    }
    case "input": {
      if (t === "") return invalid(`${field.title}?`)
      if (field.format === "phone" && !isPhone(t))
        return invalid(
          "That doesn't look like a phone number. Please type it with the area code, e.g. +1 212 555 0187."
        )
      if (field.format === "address" && !isAddress(t))
        return invalid("Please type the full address: house number and street, city and postcode.")
      return value(t)
    }
  }
}
