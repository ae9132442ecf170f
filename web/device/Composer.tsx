import { useRef, useState } from "react"
import * as Api from "./api.ts"

const maxFileBytes = 10 * 1024 * 1024

const base64Of = (file: File): Promise<string> =>
  file.arrayBuffer().then((buffer) => {
    const bytes = new Uint8Array(buffer)
    let binary = ""
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
    return btoa(binary)
  })

/**
 * The compose bar: "+" to send a photo or file, the "Message" field (typing_start on the first
 * character, typing_end when it is emptied), and the send arrow once there is text.
 */
export const Composer = ({
  customerId,
  onProblem
}: {
  readonly customerId: string
  readonly onProblem: (problem: string | undefined) => void
}) => {
  const [text, setText] = useState("")
  const [busy, setBusy] = useState(false)
  const typing = useRef(false)
  const file = useRef<HTMLInputElement>(null)
  const setTyping = (on: boolean) => {
    if (typing.current === on) return
    typing.current = on
    Api.typing(customerId, on).catch(() => undefined)
  }
  const send = async () => {
    const body = text.trim()
    if (body.length === 0 || busy) return
    setBusy(true)
    try {
      await Api.say(customerId, body)
      typing.current = false
      setText("")
      onProblem(undefined)
    } catch (error) {
      onProblem(error instanceof Error ? `Not Delivered: ${error.message}` : "Not Delivered")
    } finally {
      setBusy(false)
    }
  }
  const attach = async (chosen: File | undefined) => {
    if (chosen === undefined) return
    if (chosen.size > maxFileBytes) {
      onProblem("That file is over 10 MB.")
      return
    }
    try {
      await Api.attach(customerId, {
        name: chosen.name,
        mimeType: chosen.type || "application/octet-stream",
        data: await base64Of(chosen)
      })
      onProblem(undefined)
    } catch (error) {
      onProblem(error instanceof Error ? `Not Delivered: ${error.message}` : "Not Delivered")
    }
  }
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void send()
      }}
    >
      <button
        type="button"
        className="composer-plus"
        aria-label="Send a photo or file"
        onClick={() => file.current?.click()}
      >
        +
      </button>
      <input
        ref={file}
        type="file"
        hidden
        onChange={(e) => {
          void attach(e.target.files?.[0])
          e.target.value = ""
        }}
      />
      <input
        className="composer-field"
        placeholder="Message"
        aria-label="Message"
        value={text}
        onChange={(e) => {
          setText(e.target.value)
          setTyping(e.target.value.length > 0)
        }}
      />
      {text.trim().length > 0 ? (
        <button type="submit" className="composer-send" aria-label="Send" disabled={busy}>
          ↑
        </button>
      ) : null}
    </form>
  )
}
