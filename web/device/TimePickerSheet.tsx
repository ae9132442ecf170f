import { useState } from "react"
import type { WireReceived, WireReply, WireTimeslot } from "../../sim/SimControlWire.ts"
import { ChoiceRow } from "./ChoiceRow.tsx"
import { slotDay, slotTime, zoneNote } from "./format.ts"
import { Sheet } from "./Sheet.tsx"

/** A time picker: the event's days, then the slots of the chosen day, then Send. */
export const TimePickerSheet = ({
  entry,
  onAnswer,
  onCancel
}: {
  readonly entry: WireReceived
  readonly onAnswer: (reply: WireReply) => void
  readonly onCancel: () => void
}) => {
  const event = entry.interactive?.data?.event
  const offset = event?.timezoneOffset
  const days = new Map<string, Array<WireTimeslot>>()
  for (const slot of event?.timeslots ?? []) {
    const day = slotDay(slot, offset)
    days.set(day, [...(days.get(day) ?? []), slot])
  }
  const [day, setDay] = useState<string | undefined>(days.size === 1 ? [...days.keys()][0] : undefined)
  const [slot, setSlot] = useState<string | undefined>(undefined)
  const slots = day === undefined ? [] : (days.get(day) ?? [])
  return (
    <Sheet
      title={event?.title ?? entry.title ?? "Choose a time"}
      onCancel={onCancel}
      action={{
        label: "Send",
        enabled: slot !== undefined,
        run: () => {
          if (slot !== undefined) onAnswer({ kind: "timePicker", slot })
        }
      }}
    >
      <p className="sheet-lead">{zoneNote(offset)}</p>
      {event?.location?.title !== undefined ? <p className="sheet-lead">📍 {event.location.title}</p> : null}
      {day === undefined ? (
        <ul className="list-items">
          {[...days.entries()].map(([name, list]) => (
            <li key={name}>
              <button type="button" className="list-item" onClick={() => setDay(name)}>
                <span className="list-item-text">
                  <span className="list-item-title">{name}</span>
                  <span className="list-item-subtitle">
                    {list.length} {list.length === 1 ? "time" : "times"} available
                  </span>
                </span>
                <span className="chevron" aria-hidden="true">
                  ›
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <>
          {days.size > 1 ? (
            <button
              type="button"
              className="link-button"
              onClick={() => {
                setDay(undefined)
                setSlot(undefined)
              }}
            >
              ‹ All days
            </button>
          ) : null}
          <h3 className="list-section-title">{day}</h3>
          <ul className="list-items">
            {slots.map((s) => (
              <ChoiceRow
                key={s.identifier}
                name="slot"
                multiple={false}
                checked={slot === s.identifier}
                onChange={() => setSlot(s.identifier)}
                title={slotTime(s, offset)}
              />
            ))}
          </ul>
        </>
      )}
    </Sheet>
  )
}
