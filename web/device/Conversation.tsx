import { useCallback, useState } from "react"
import type { WireCustomer, WireEntry, WireReceived, WireReply } from "../../sim/SimControlWire.ts"
import { AppSheet } from "./AppSheet.tsx"
import { AuthSheet } from "./AuthSheet.tsx"
import * as Api from "./api.ts"
import { Composer } from "./Composer.tsx"
import { FormSheet } from "./FormSheet.tsx"
import { ListPickerSheet } from "./ListPickerSheet.tsx"
import { PaySheet } from "./PaySheet.tsx"
import { TimePickerSheet } from "./TimePickerSheet.tsx"
import { Transcript } from "./Transcript.tsx"

export const businessName = "Parley"

/** One conversation with the business: header, transcript, compose bar, and the sheet of the bubble tapped. */
export const Conversation = ({
  customer,
  entries,
  onBack
}: {
  readonly customer: WireCustomer
  readonly entries: ReadonlyArray<WireEntry>
  readonly onBack: () => void
}) => {
  const [open, setOpen] = useState<WireReceived | undefined>(undefined)
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const cancel = useCallback(() => setOpen(undefined), [])
  const answer = async (entry: WireReceived, reply: WireReply) => {
    try {
      await Api.reply(customer.id, entry.id, reply)
      setProblem(undefined)
      setOpen(undefined)
    } catch (error) {
      setProblem(error instanceof Error ? error.message : "The answer was not delivered.")
    }
  }
  const sheet = (() => {
    if (open === undefined) return null
    const onAnswer = (reply: WireReply) => void answer(open, reply)
    switch (open.kind) {
      case "listPicker":
        return <ListPickerSheet entry={open} onAnswer={onAnswer} onCancel={cancel} />
      case "timePicker":
        return <TimePickerSheet entry={open} onAnswer={onAnswer} onCancel={cancel} />
      case "form":
        return <FormSheet entry={open} onAnswer={onAnswer} onCancel={cancel} />
      case "authenticate":
        return (
          <AuthSheet
            entry={open}
            email={customer.email}
            onCancel={cancel}
            onAnswer={(reply, email) => {
              const setEmail =
                email === customer.email
                  ? Promise.resolve()
                  : Api.open({ id: customer.id, device: customer.device, email }).then(() => undefined)
              void setEmail.then(
                () => answer(open, reply),
                (error: unknown) => setProblem(error instanceof Error ? error.message : "Sign-in failed.")
              )
            }}
          />
        )
      case "payment":
        return <PaySheet entry={open} onAnswer={onAnswer} onCancel={cancel} />
      case "iMessageApp":
        return <AppSheet entry={open} isMac={customer.device === "mac"} onAnswer={onAnswer} onCancel={cancel} />
      default:
        return null
    }
  })()
  return (
    <div className="conversation">
      <header className="chat-header">
        <button type="button" className="back-button" onClick={onBack} aria-label="Back to conversations">
          ‹
        </button>
        <div className="chat-business">
          <span className="business-logo" aria-hidden="true">
            P
          </span>
          <span className="business-name">
            {businessName}{" "}
            <span className="verified" title="Registered business">
              ✓
            </span>
          </span>
          <span className="business-kind">Business Chat</span>
        </div>
        <span className="chat-header-space" />
      </header>
      <Transcript
        entries={entries}
        onOpen={setOpen}
        onQuick={(entry, identifier) => void answer(entry, { kind: "quickReply", identifier })}
      />
      {problem !== undefined ? (
        <p className="chat-problem" role="alert">
          {problem}
        </p>
      ) : null}
      <Composer customerId={customer.id} onProblem={setProblem} />
      {sheet}
    </div>
  )
}
