import { type ReactNode, useEffect, useRef } from "react"

export interface SheetProps {
  readonly title: string
  readonly onCancel: () => void
  /** The right-hand header button ("Send", "Submit"…); absent for sheets that act in their body. */
  readonly action?: { readonly label: string; readonly enabled: boolean; readonly run: () => void }
  readonly children: ReactNode
  readonly full?: boolean
}

/**
 * A sheet sliding over the conversation, as Messages opens a list, a time picker or a form:
 * Cancel · title · action. Modal; Esc cancels; focus moves into it and back to the bubble after.
 */
export const Sheet = ({ title, onCancel, action, children, full }: SheetProps) => {
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const opener = document.activeElement
    ref.current?.focus()
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onCancel()
    }
    window.addEventListener("keydown", onKey)
    return () => {
      window.removeEventListener("keydown", onKey)
      if (opener instanceof HTMLElement) opener.focus()
    }
  }, [onCancel])
  return (
    <div className="sheet-backdrop">
      <div
        className={full === true ? "sheet sheet-full" : "sheet"}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        tabIndex={-1}
        ref={ref}
      >
        <header className="sheet-header">
          <button type="button" className="sheet-button" onClick={onCancel}>
            Cancel
          </button>
          <h2 className="sheet-title">{title}</h2>
          {action === undefined ? (
            <span className="sheet-button-space" />
          ) : (
            <button type="button" className="sheet-button sheet-action" disabled={!action.enabled} onClick={action.run}>
              {action.label}
            </button>
          )}
        </header>
        <div className="sheet-body">{children}</div>
      </div>
    </div>
  )
}
