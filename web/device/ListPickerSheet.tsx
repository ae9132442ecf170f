import { useState } from "react"
import type { WireReceived, WireReply } from "../../sim/SimControlWire.ts"
import { ChoiceRow } from "./ChoiceRow.tsx"
import { imageSrc } from "./format.ts"
import { Sheet } from "./Sheet.tsx"

/**
 * A list picker opened from its bubble: sections with their headers, items with a 60×60 image,
 * title and subtitle, checkmarks; one item per section unless the section allows several. Send is
 * disabled until something is chosen.
 */
export const ListPickerSheet = ({
  entry,
  onAnswer,
  onCancel
}: {
  readonly entry: WireReceived
  readonly onAnswer: (reply: WireReply) => void
  readonly onCancel: () => void
}) => {
  const data = entry.interactive?.data
  const sections = data?.listPicker?.sections ?? []
  const [chosen, setChosen] = useState<ReadonlyArray<string>>([])
  const toggle = (sectionIndex: number, identifier: string) => {
    const section = sections[sectionIndex]
    if (section === undefined) return
    setChosen((current) => {
      if (current.includes(identifier)) return current.filter((c) => c !== identifier)
      if (section.multipleSelection === true) return [...current, identifier]
      const others = new Set(section.items.map((i) => i.identifier))
      return [...current.filter((c) => !others.has(c)), identifier]
    })
  }
  return (
    <Sheet
      title={entry.title ?? "Choose"}
      onCancel={onCancel}
      action={{
        label: "Send",
        enabled: chosen.length > 0,
        run: () => onAnswer({ kind: "listPicker", identifiers: chosen })
      }}
    >
      {entry.interactive?.receivedMessage?.subtitle !== undefined ? (
        <p className="sheet-lead">{entry.interactive.receivedMessage.subtitle}</p>
      ) : null}
      {sections.map((section, s) => (
        <section key={section.title ?? s} className="list-section">
          {section.title !== undefined ? (
            <h3 className="list-section-title">
              {section.title}
              {section.multipleSelection === true ? <span className="list-section-hint"> · choose any</span> : null}
            </h3>
          ) : null}
          <ul className="list-items">
            {section.items.map((item) => (
              <ChoiceRow
                key={item.identifier}
                name={`section-${s}`}
                multiple={section.multipleSelection === true}
                checked={chosen.includes(item.identifier)}
                onChange={() => toggle(s, item.identifier)}
                image={imageSrc(data?.images, item.imageIdentifier)}
                title={item.title}
                subtitle={item.subtitle}
              />
            ))}
          </ul>
        </section>
      ))}
    </Sheet>
  )
}
