import { Schema } from "effect"
import { type BubbleOptions, type BuiltInteractive, interactive } from "./InteractiveCommon.ts"

/** Capability `TIME`. Apple's format: `2030-07-10T17:00+0000` (minutes, numeric offset). */
export const StartTime = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?[+-]\d{4}$/, {
    message: () => "startTime must look like 2030-07-10T17:00+0000"
  })
)

export const Timeslot = Schema.Struct({
  identifier: Schema.NonEmptyString,
  startTime: StartTime,
  duration: Schema.Int.pipe(Schema.positive())
})
export type Timeslot = typeof Timeslot.Type

export const Location = Schema.Struct({
  latitude: Schema.Number.pipe(Schema.between(-90, 90)),
  longitude: Schema.Number.pipe(Schema.between(-180, 180)),
  radius: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  title: Schema.optional(Schema.String)
})

export const Event = Schema.Struct({
  identifier: Schema.optional(Schema.String),
  /** Apple's own time-picker sample sends an empty title (the bubble carries the question). */
  title: Schema.String,
  timeslots: Schema.Array(Timeslot).pipe(Schema.minItems(1)),
  /** Minutes from GMT; present = everyone sees the event's zone, absent = the customer's own. */
  timezoneOffset: Schema.optional(Schema.Int.pipe(Schema.between(-720, 840))),
  location: Schema.optional(Location)
})
export type Event = typeof Event.Type

/** Apple's `startTime` for an instant (always written in UTC). */
export const formatStartTime = (at: Date): string => `${at.toISOString().slice(0, 16)}+0000`

export const parseStartTime = (startTime: string): Date | undefined => {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2})?([+-])(\d{2})(\d{2})$/.exec(startTime)
  if (m === null) return undefined
  const date = new Date(`${m[1]}${m[2] ?? ":00"}${m[3]}${m[4]}:${m[5]}`)
  return Number.isNaN(date.getTime()) ? undefined : date
}

export interface TimePickerOptions extends BubbleOptions {
  readonly title: string
  readonly replyTitle?: string
  readonly slots: ReadonlyArray<{
    readonly identifier?: string
    readonly start: Date
    readonly durationSeconds: number
  }>
  readonly timezoneOffsetMinutes?: number
  readonly location?: typeof Location.Type
}

export const make = (options: TimePickerOptions): BuiltInteractive<"event", Event> => {
  const slots = options.slots.map((slot, i) => ({
    identifier: slot.identifier ?? String(i),
    startTime: formatStartTime(slot.start),
    duration: slot.durationSeconds
  }))
  if (slots.length === 0) throw new Error("TimePicker.make: needs at least one slot")
  const event: Event = {
    identifier: "1",
    title: options.title,
    timeslots: slots,
    ...(options.timezoneOffsetMinutes !== undefined ? { timezoneOffset: options.timezoneOffsetMinutes } : {}),
    ...(options.location !== undefined ? { location: options.location } : {})
  }
  return interactive("event", event, {
    ...options,
    receivedMessage: options.receivedMessage ?? { title: options.title, style: "icon" },
    replyMessage: options.replyMessage ?? { title: options.replyTitle ?? "Thank you!", style: "icon" }
  })
}
