import type { CallbackSchedule } from "../../db/schema/queues.ts"

/** The times a queue's specialists offer for a call-back. */

export const defaultSchedule: CallbackSchedule = {
  hoursUtc: [9, 17],
  weekdays: [1, 2, 3, 4, 5],
  slotSeconds: 30 * 60,
  leadSeconds: 60 * 60,
  count: 6
}

export interface CallBackSlot {
  readonly id: string
  readonly start: Date
  readonly seconds: number
}

/** How far ahead we look for open hours; a schedule with none in a fortnight offers nothing. */
const horizonSeconds = 14 * 24 * 3600

const withinHours = (schedule: CallbackSchedule, at: Date): boolean => {
  const [from, to] = schedule.hoursUtc
  const hour = at.getUTCHours() + at.getUTCMinutes() / 60 + at.getUTCSeconds() / 3600
  // The whole slot fits in the day's hours: a call does not start at five to closing.
  return schedule.weekdays.includes(at.getUTCDay()) && hour >= from && hour + schedule.slotSeconds / 3600 <= to
}

/**
 * The next `count` slots starting at least `leadSeconds` after `now`, aligned to the slot length
 * (half-hour slots start on the hour and the half hour) and inside business hours.
 */
export const nextSlots = (schedule: CallbackSchedule, now: Date): ReadonlyArray<CallBackSlot> => {
  const step = schedule.slotSeconds * 1000
  const earliest = now.getTime() + schedule.leadSeconds * 1000
  const slots: Array<CallBackSlot> = []
  const end = earliest + horizonSeconds * 1000
  for (let t = Math.ceil(earliest / step) * step; t < end && slots.length < schedule.count; t += step) {
    const start = new Date(t)
    if (withinHours(schedule, start))
      slots.push({ id: `cb-${start.toISOString()}`, start, seconds: schedule.slotSeconds })
  }
  return slots
}
