import { Either, Schema } from "effect"
import { type KeyboardEvent, useEffect, useRef, useState } from "react"
import { AgentContent } from "../../http/ws/AgentContent.ts"
import { ContentView } from "../shared/Transcript.tsx"
import { type Kind, kinds, missing } from "./kinds.ts"
import type { Chat } from "./store.ts"

/**
 * Writes one message of a kind the customer's device can show, with a live preview of the
 * structured kinds as the device will draw them. What the content Schema refuses cannot be sent.
 */

const validate = Schema.decodeUnknownEither(AgentContent)

const lines = (text: string) =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")

const slug = (s: string, i: number) =>
  `${i + 1}-${s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 40)}`

const defaultSlots = () => {
  const day = new Date()
  day.setDate(day.getDate() + 1)
  return [10, 14, 16].map((h) => {
    const d = new Date(day)
    d.setHours(h, 0, 0, 0)
    return d.toISOString().slice(0, 16)
  })
}

interface Draft {
  text: string
  url: string
  title: string
  items: string
  options: Array<string>
  slots: Array<string>
  questions: string
}

const empty = (): Draft => ({
  text: "",
  url: "https://",
  title: "",
  items: "",
  options: ["", ""],
  slots: defaultSlots(),
  questions: ""
})

const contentOf = (kind: Kind, d: Draft): unknown => {
  switch (kind) {
    case "text":
      return { kind, body: d.text.trim() }
    case "richLink":
      return { kind, url: d.url.trim(), title: d.title.trim() }
    case "listPicker":
      return {
        kind,
        title: d.title.trim(),
        items: lines(d.items).map((l, i) => {
          const [title = "", subtitle] = l.split("|").map((p) => p.trim())
          return { id: slug(title, i), title, ...(subtitle !== undefined && subtitle !== "" ? { subtitle } : {}) }
        })
      }
    case "quickReply":
      return {
        kind,
        prompt: d.title.trim(),
        options: d.options.filter((o) => o.trim() !== "").map((o, i) => ({ id: slug(o, i), title: o.trim() }))
      }
    case "timePicker":
      return {
        kind,
        title: d.title.trim(),
        slots: d.slots
          .filter((s) => s !== "")
          .map((s, i) => ({ id: `slot-${i + 1}`, start: new Date(s).toISOString(), minutes: 30 }))
      }
    case "form":
      return {
        kind,
        title: d.title.trim(),
        pages: lines(d.questions).map((q, i) => ({ id: `q${i + 1}`, title: q, type: "input", required: true }))
      }
  }
}

/** The composer's content in Apple's shape, for the shared renderer's preview. */
export const appleShape = (c: AgentContent): Readonly<Record<string, unknown>> => {
  const interactive = (title: string, data: Record<string, unknown>) => ({
    type: "interactive",
    interactiveData: { receivedMessage: { title }, data }
  })
  switch (c.kind) {
    case "text":
      return { type: "text", body: c.body }
    case "attachment":
      return { type: "text", body: c.caption ?? "" }
    case "richLink":
      return { type: "richLink", richLinkData: { url: c.url, title: c.title } }
    case "listPicker":
      return interactive(c.title, {
        listPicker: {
          sections: [{ items: c.items.map((i) => ({ identifier: i.id, title: i.title, subtitle: i.subtitle })) }]
        }
      })
    case "quickReply":
      return interactive(c.prompt, {
        "quick-reply": { summaryText: c.prompt, items: c.options.map((o) => ({ identifier: o.id, title: o.title })) }
      })
    case "timePicker":
      return interactive(c.title, {
        event: {
          title: c.title,
          timeslots: c.slots.map((s) => ({
            identifier: s.id,
            startTime: s.start.replace(/:\d\d\.\d{3}Z$/, "+0000"),
            duration: s.minutes * 60
          }))
        }
      })
    case "form":
      return interactive(c.title, {
        dynamic: { data: { pages: c.pages.map((p) => ({ pageIdentifier: p.id, title: p.title })) } }
      })
  }
}

export const Composer = ({
  chat,
  online,
  onSend,
  onTyping,
  onSlash,
  onAttach,
  focusKey
}: {
  readonly chat: Chat
  readonly online: boolean
  readonly onSend: (content: AgentContent) => Promise<boolean>
  /** Uploads the file and sends it with the draft's text as its caption. */
  readonly onAttach: (file: File, caption: string) => Promise<boolean>
  readonly onTyping: (active: boolean) => void
  readonly onSlash: (command: string) => boolean
  readonly focusKey: string
}) => {
  const [kind, setKind] = useState<Kind>("text")
  const [draft, setDraft] = useState<Draft>(empty)
  const [sending, setSending] = useState(false)
  const text = useRef<HTMLTextAreaElement>(null)
  const picker = useRef<HTMLInputElement>(null)
  const typingTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const typing = useRef(false)
  const live = chat.phase === "live"

  useEffect(() => {
    if (focusKey !== "") text.current?.focus()
  }, [focusKey])
  useEffect(() => () => clearTimeout(typingTimer.current), [])

  const decoded = validate(contentOf(kind, draft))
  const content = Either.isRight(decoded) ? decoded.right : undefined
  const reason = missing(kind, chat)
  const canSend = online && live && content !== undefined && reason === undefined && !sending

  const stopTyping = () => {
    clearTimeout(typingTimer.current)
    if (typing.current) {
      typing.current = false
      onTyping(false)
    }
  }
  const typed = () => {
    if (!typing.current) {
      typing.current = true
      onTyping(true)
    }
    clearTimeout(typingTimer.current)
    typingTimer.current = setTimeout(stopTyping, 4_000)
  }

  const send = async () => {
    if (!canSend || content === undefined) return
    if (kind === "text" && draft.text.trim().startsWith("/") && onSlash(draft.text.trim())) {
      setDraft({ ...draft, text: "" })
      return
    }
    setSending(true)
    stopTyping()
    const ok = await onSend(content)
    setSending(false)
    if (ok) {
      setDraft(empty())
      setKind("text")
      text.current?.focus()
    }
  }

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault()
      if (draft.text.trim().startsWith("/") && onSlash(draft.text.trim())) {
        setDraft({ ...draft, text: "" })
        return
      }
      void send()
    }
  }

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch })
  const structured = kind !== "text"

  return (
    <section className="composer" aria-label="Composer">
      <fieldset className="kinds">
        <legend className="visually-hidden">Message kind</legend>
        {kinds.map((k) => {
          const why = missing(k.kind, chat)
          return (
            <label
              key={k.kind}
              className={`kind ${kind === k.kind ? "selected" : ""} ${why !== undefined ? "disabled" : ""}`}
              title={why}
            >
              <input
                type="radio"
                name={`kind-${chat.interactionId}`}
                checked={kind === k.kind}
                disabled={why !== undefined}
                aria-label={why === undefined ? k.label : `${k.label} (unavailable: ${why})`}
                onChange={() => setKind(k.kind)}
              />
              {k.label}
            </label>
          )
        })}
      </fieldset>
      {kinds.some((k) => missing(k.kind, chat) !== undefined) ? (
        <p className="caption why">
          {kinds
            .map((k) => missing(k.kind, chat))
            .filter((w): w is string => w !== undefined)
            .filter((w, i, all) => all.indexOf(w) === i)
            .join(" · ")}
        </p>
      ) : null}
      {structured ? (
        <div className="editor">
          <div className="editor-fields">
            <label className="field">
              {kind === "quickReply" ? "Question" : kind === "richLink" ? "Title" : "Title"}
              <input
                value={draft.title}
                onChange={(e) => set({ title: e.target.value })}
                maxLength={kind === "quickReply" ? 200 : 512}
              />
            </label>
            {kind === "richLink" ? (
              <label className="field">
                Link (https://…)
                <input value={draft.url} onChange={(e) => set({ url: e.target.value })} />
              </label>
            ) : null}
            {kind === "listPicker" ? (
              <label className="field">
                Items, one per line (title | subtitle)
                <textarea rows={4} value={draft.items} onChange={(e) => set({ items: e.target.value })} />
              </label>
            ) : null}
            {kind === "quickReply" ? (
              <fieldset className="options">
                <legend>Options (2–5, 24 characters)</legend>
                {draft.options.map((o, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: options are edited in place; their position is who they are
                  <label key={i} className="option">
                    <span className="visually-hidden">Option {i + 1}</span>
                    <input
                      value={o}
                      maxLength={24}
                      aria-label={`Option ${i + 1}`}
                      onChange={(e) => set({ options: draft.options.map((x, j) => (j === i ? e.target.value : x)) })}
                    />
                    <span className="caption">{o.length}/24</span>
                  </label>
                ))}
                {draft.options.length < 5 ? (
                  <button type="button" className="small" onClick={() => set({ options: [...draft.options, ""] })}>
                    Add option
                  </button>
                ) : null}
              </fieldset>
            ) : null}
            {kind === "timePicker" ? (
              <fieldset className="options">
                <legend>Slots (30 min, your time)</legend>
                {draft.slots.map((s, i) => (
                  <input
                    // biome-ignore lint/suspicious/noArrayIndexKey: slots are edited in place; their position is who they are
                    key={i}
                    type="datetime-local"
                    aria-label={`Slot ${i + 1}`}
                    value={s}
                    onChange={(e) => set({ slots: draft.slots.map((x, j) => (j === i ? e.target.value : x)) })}
                  />
                ))}
              </fieldset>
            ) : null}
            {kind === "form" ? (
              <label className="field">
                Questions, one per line
                <textarea rows={3} value={draft.questions} onChange={(e) => set({ questions: e.target.value })} />
              </label>
            ) : null}
          </div>
          <section className="device-preview" aria-label="Preview on the customer's device">
            <span className="caption">Preview</span>
            {content !== undefined ? (
              <ContentView content={appleShape(content)} />
            ) : (
              <p className="meta">Fill in the fields to preview.</p>
            )}
          </section>
        </div>
      ) : null}
      <div className="compose-row">
        {structured ? (
          <span className="meta grow">
            {content === undefined ? "Complete the fields above to send." : "Ready to send."}
          </span>
        ) : (
          <textarea
            ref={text}
            className="grow"
            rows={2}
            aria-label="Message"
            placeholder={
              live ? "Message — Enter to send, Shift+Enter for a new line, / for actions" : "This chat has ended"
            }
            value={draft.text}
            disabled={!live}
            onChange={(e) => {
              set({ text: e.target.value })
              if (e.target.value !== "") typed()
              else stopTyping()
            }}
            onKeyDown={onKey}
            onBlur={stopTyping}
          />
        )}
        {structured ? null : (
          <>
            <input
              ref={picker}
              type="file"
              hidden
              aria-label="File to send"
              onChange={(e) => {
                const file = e.target.files?.[0]
                e.target.value = ""
                if (file === undefined) return
                setSending(true)
                stopTyping()
                void onAttach(file, draft.text.trim()).then((ok) => {
                  setSending(false)
                  if (ok) setDraft(empty())
                })
              }}
            />
            <button
              type="button"
              className="ghost"
              disabled={!online || !live || sending}
              title="Send a file (photo, PDF, audio, video, contact card or text)"
              onClick={() => picker.current?.click()}
            >
              Attach
            </button>
          </>
        )}
        <button type="button" className="primary" disabled={!canSend} onClick={() => void send()}>
          {sending ? "Sending…" : "Send"}
        </button>
      </div>
    </section>
  )
}
