import { useState } from "react"
import type { WireReceived, WireReply } from "../../sim/SimControlWire.ts"
import { ChoiceRow } from "./ChoiceRow.tsx"
import { parseStartTime } from "./format.ts"
import { Sheet } from "./Sheet.tsx"

interface Slot {
  readonly id: string
  readonly label: string
}

/** The delivery-slot app's URL lists `slot=<id>~<ISO start>~<minutes>`; other apps' data is shown as is. */
const slotsOf = (url: string): ReadonlyArray<Slot> =>
  new URLSearchParams(url.replace(/^[^?]*\?/, "")).getAll("slot").map((value) => {
    const [id = value, start, minutes] = value.split("~")
    const at = start === undefined ? undefined : (parseStartTime(start) ?? new Date(start))
    const label =
      at === undefined || Number.isNaN(at.getTime())
        ? id
        : `${at.toLocaleString(undefined, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" })}${minutes !== undefined ? ` · ${minutes} min` : ""}`
    return { id, label }
  })

/**
 * A custom iMessage app opened from its bubble. On a Mac it cannot open (Messages says so); on
 * iPhone/iPad the simulator plays the app: a list of the slots its URL carries, answered with
 * `slot=<id>` as Parley's delivery-slot app does.
 */
export const AppSheet = ({
  entry,
  isMac,
  onAnswer,
  onCancel
}: {
  readonly entry: WireReceived
  readonly isMac: boolean
  readonly onAnswer: (reply: WireReply) => void
  readonly onCancel: () => void
}) => {
  const app = entry.interactive
  const slots = slotsOf(app?.URL ?? "")
  const [slot, setSlot] = useState<Slot | undefined>(undefined)
  const name = app?.appName ?? "iMessage app"
  if (isMac)
    return (
      <Sheet title={name} onCancel={onCancel}>
        <p className="sheet-lead">Open on iPhone or iPad: {name} is an iMessage app, and a Mac cannot run it.</p>
      </Sheet>
    )
  return (
    <Sheet
      title={name}
      onCancel={onCancel}
      action={{
        label: "Send",
        enabled: slot !== undefined || slots.length === 0,
        run: () =>
          onAnswer({
            kind: "iMessageApp",
            query: slot === undefined ? {} : { slot: slot.id },
            summary: slot?.label ?? app?.replyMessage?.title ?? name
          })
      }}
    >
      <p className="sheet-lead">{app?.receivedMessage?.title}</p>
      {slots.length === 0 ? (
        <p className="sheet-lead">This app has nothing to choose; Send returns to the business.</p>
      ) : (
        <ul className="list-items">
          {slots.map((s) => (
            <ChoiceRow
              key={s.id}
              name="app-slot"
              multiple={false}
              checked={slot?.id === s.id}
              onChange={() => setSlot(s)}
              title={s.label}
            />
          ))}
        </ul>
      )}
    </Sheet>
  )
}
