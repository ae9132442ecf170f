import { type ReactNode, useEffect, useRef, useState } from "react"
import type { Principal } from "../../http/auth/Principal.ts"
import type { AgentContent } from "../../http/ws/AgentContent.ts"
import { api } from "../shared/api.ts"
import { uploadFile } from "../shared/files.ts"
import { dateTime, label } from "../shared/format.ts"
import type { Answer, Outgoing } from "../shared/socket.ts"
import { TranscriptView } from "../shared/Transcript.tsx"
import { appleShape, Composer } from "./Composer.tsx"
import { type Action, type Chat, nameOf } from "./store.ts"

type DialogKind = "case" | "callback" | "transfer" | "link" | "close"

export const wrapUpCodes = ["Resolved", "Call-back booked", "Case opened", "Transferred", "No response from customer"]

const slash: Record<string, DialogKind> = {
  "/case": "case",
  "/callback": "callback",
  "/transfer": "transfer",
  "/link": "link",
  "/close": "close"
}

interface QueueRow {
  readonly name: string
  readonly description: string
  readonly waiting: number
  readonly agentsWithCapacity: number
}
interface AgentRow {
  readonly id: string
  readonly displayName: string
  readonly assigned: number
  readonly channels: ReadonlyArray<{ readonly presence: string; readonly capacity: number }>
}

const Dialog = ({
  title,
  onClose,
  onSubmit,
  submit,
  busy,
  error,
  children
}: {
  readonly title: string
  readonly onClose: () => void
  readonly onSubmit: () => void
  readonly submit: string
  readonly busy: boolean
  readonly error: string | undefined
  readonly children: ReactNode
}) => {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const dialog = ref.current
    const trigger = document.activeElement as HTMLElement | null
    dialog?.showModal()
    return () => {
      dialog?.close()
      trigger?.focus()
    }
  }, [])
  return (
    <dialog ref={ref} aria-label={title} onCancel={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          onSubmit()
        }}
      >
        <h2>{title}</h2>
        {children}
        {error !== undefined ? (
          <p className="error-line" role="alert">
            {error}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {submit}
          </button>
        </div>
      </form>
    </dialog>
  )
}

const ActionDialog = ({
  kind,
  chat,
  token,
  command,
  act,
  onClose
}: {
  readonly kind: DialogKind
  readonly chat: Chat
  readonly token: string
  readonly command: (c: Outgoing) => Promise<Answer>
  readonly act: (a: Action) => void
  readonly onClose: () => void
}) => {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | undefined>(undefined)
  const [short, setShort] = useState("")
  const [description, setDescription] = useState("")
  const [queue, setQueue] = useState("mortgage_specialists")
  const [target, setTarget] = useState("")
  const [email, setEmail] = useState("")
  const [code, setCode] = useState(wrapUpCodes[0] ?? "Resolved")
  const [queues, setQueues] = useState<ReadonlyArray<QueueRow>>([])
  const [agents, setAgents] = useState<ReadonlyArray<AgentRow>>([])
  const interactionId = chat.interactionId
  useEffect(() => {
    if (kind === "callback" || kind === "transfer")
      api<{ items: ReadonlyArray<QueueRow> }>("/queues", { token }).then(
        (r) => setQueues(r.items),
        () => setQueues([])
      )
    if (kind === "transfer")
      api<{ items: ReadonlyArray<AgentRow> }>("/agents", { token }).then(
        (r) => setAgents(r.items),
        () => setAgents([])
      )
  }, [kind, token])
  const run = async (work: () => Promise<string | undefined>) => {
    setBusy(true)
    setError(undefined)
    const failed = await work().catch((e: Error) => e.message)
    setBusy(false)
    if (failed === undefined) onClose()
    else setError(failed.charAt(0).toUpperCase() + failed.slice(1))
  }
  const answer = (a: Answer) => (a.ok ? undefined : a.reason)
  switch (kind) {
    case "case":
      return (
        <Dialog
          title="Create a case"
          submit="Create case"
          busy={busy}
          error={error}
          onClose={onClose}
          onSubmit={() =>
            run(async () => {
              const a = await command({
                type: "createCase",
                interactionId,
                shortDescription: short.trim(),
                description
              })
              if (a.ok)
                act({ type: "notice", text: `Case ${String(a.result?.caseNumber ?? "")} created.`, tone: "info" })
              return answer(a)
            })
          }
        >
          <label className="field">
            Short description
            <input value={short} onChange={(e) => setShort(e.target.value)} required maxLength={160} autoFocus />
          </label>
          <label className="field">
            Details
            <textarea rows={4} value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
        </Dialog>
      )
    case "callback":
      return (
        <Dialog
          title="Schedule a call-back"
          submit="Offer call-back times"
          busy={busy}
          error={error}
          onClose={onClose}
          onSubmit={() => run(async () => answer(await command({ type: "scheduleCallBack", interactionId, queue })))}
        >
          <p className="meta">
            The customer gets a time picker of the queue's free call-back slots; their choice books it.
          </p>
          <label className="field">
            Specialist queue
            <select value={queue} onChange={(e) => setQueue(e.target.value)}>
              {(queues.length > 0 ? queues.map((q) => q.name) : ["mortgage_specialists"]).map((q) => (
                <option key={q} value={q}>
                  {label(q)}
                </option>
              ))}
            </select>
          </label>
        </Dialog>
      )
    case "transfer":
      return (
        <Dialog
          title="Transfer the chat"
          submit="Transfer"
          busy={busy}
          error={error}
          onClose={onClose}
          onSubmit={() =>
            run(async () => {
              if (target === "") return "Choose a queue or an agent"
              const [type, value = ""] = target.split(":")
              return answer(
                await command(
                  type === "queue"
                    ? { type: "transfer", interactionId, toQueue: value }
                    : { type: "transfer", interactionId, toAgent: value }
                )
              )
            })
          }
        >
          <fieldset className="choices">
            <legend>Queues</legend>
            {queues.map((q) => (
              <label key={q.name} className="choice">
                <input
                  type="radio"
                  name="target"
                  value={`queue:${q.name}`}
                  checked={target === `queue:${q.name}`}
                  onChange={(e) => setTarget(e.target.value)}
                />
                <span className="grow">{label(q.name)}</span>
                <span className="caption">
                  {q.waiting} waiting · {q.agentsWithCapacity} free
                </span>
              </label>
            ))}
          </fieldset>
          <fieldset className="choices">
            <legend>Agents</legend>
            {agents.map((a) => {
              const ch = a.channels[0]
              return (
                <label key={a.id} className="choice">
                  <input
                    type="radio"
                    name="target"
                    value={`agent:${a.id}`}
                    checked={target === `agent:${a.id}`}
                    onChange={(e) => setTarget(e.target.value)}
                  />
                  <span className={`dot ${ch?.presence ?? "offline"}`} aria-hidden="true" />
                  <span className="grow">{a.displayName}</span>
                  <span className="caption">
                    {label(ch?.presence ?? "offline")} · {a.assigned} of {ch?.capacity ?? 0}
                  </span>
                </label>
              )
            })}
          </fieldset>
        </Dialog>
      )
    case "link":
      return (
        <Dialog
          title="Link the customer"
          submit="Link"
          busy={busy}
          error={error}
          onClose={onClose}
          onSubmit={() =>
            run(async () => {
              const found = await api<{ customer: { kind: "contact" | "consumer"; id: string }; name: string }>(
                `/customers/lookup?email=${encodeURIComponent(email.trim())}`,
                { token }
              )
              const a = await command({ type: "linkCustomer", interactionId, customer: found.customer })
              if (a.ok) act({ type: "linked", interactionId, name: found.name })
              return answer(a)
            })
          }
        >
          <label className="field">
            Customer's email
            <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} required autoFocus />
          </label>
        </Dialog>
      )
    case "close":
      return (
        <Dialog
          title="Close the chat"
          submit="Close and wrap up"
          busy={busy}
          error={error}
          onClose={onClose}
          onSubmit={() =>
            run(async () => {
              if (chat.phase === "live") {
                const closed = await command({ type: "close", interactionId })
                if (!closed.ok) return closed.reason
              }
              act({ type: "wrapCode", interactionId, code })
              return answer(await command({ type: "wrapUp", workItemId: chat.workItemId }))
            })
          }
        >
          <p className="meta">
            The customer is thanked and asked for feedback. The chat stays in wrap-up until you complete it.
          </p>
          <label className="field">
            Wrap-up code
            <select value={code} onChange={(e) => setCode(e.target.value)}>
              {wrapUpCodes.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
        </Dialog>
      )
  }
}

export const ChatPanel = ({
  chats,
  chat,
  online,
  token,
  me,
  command,
  act,
  onSelect,
  contextOpen,
  onToggleContext
}: {
  readonly chats: ReadonlyArray<Chat>
  readonly chat: Chat
  readonly online: boolean
  readonly token: string
  readonly me: Principal
  readonly command: (c: Outgoing) => Promise<Answer>
  readonly act: (a: Action) => void
  readonly onSelect: (interactionId: string) => void
  readonly contextOpen: boolean
  readonly onToggleContext: () => void
}) => {
  const [dialog, setDialog] = useState<DialogKind | undefined>(undefined)
  const live = chat.phase === "live"
  const name = nameOf(chat)
  const logEnd = useRef<HTMLDivElement>(null)
  useEffect(() => {
    logEnd.current?.scrollIntoView({ block: "end" })
  }, [])

  const send = async (content: AgentContent, extra: Readonly<Record<string, unknown>> = {}) => {
    const clientMessageId = crypto.randomUUID()
    const body = { content: appleShape(content), ...extra }
    act({
      type: "sending",
      interactionId: chat.interactionId,
      line: {
        id: `local-${clientMessageId}`,
        direction: "out",
        author: "agent",
        authorName: me.displayName,
        kind: content.kind,
        body,
        at: new Date().toISOString(),
        status: "sending"
      }
    })
    const a = await command({ type: "send", interactionId: chat.interactionId, clientMessageId, content })
    if (!a.ok) act({ type: "sendFailed", interactionId: chat.interactionId, clientMessageId, reason: a.reason })
    return a.ok
  }

  /** The file goes up as bytes first (`POST /api/conversations/:id/attachments`), then the socket sends it. */
  const attach = async (file: File, caption: string) => {
    const uploaded = await uploadFile(token, chat.interactionId, file).catch((e: unknown) => {
      act({
        type: "notice",
        text: `Could not send ${file.name}: ${e instanceof Error ? e.message : String(e)}`,
        tone: "crit"
      })
      return undefined
    })
    if (uploaded === undefined) return false
    return send(
      { kind: "attachment", id: uploaded.id, ...(caption !== "" ? { caption } : {}) },
      { attachments: [uploaded] }
    )
  }

  const complete = async () => {
    const a = await command({
      type: "complete",
      workItemId: chat.workItemId,
      ...(chat.wrapCode !== undefined ? { code: chat.wrapCode } : {})
    })
    if (!a.ok) act({ type: "notice", text: `Could not complete: ${a.reason}`, tone: "crit" })
  }

  const actions: ReadonlyArray<readonly [DialogKind, string]> = [
    ["case", "Create case"],
    ["callback", "Call-back"],
    ["transfer", "Transfer"],
    ["link", "Link customer"],
    ["close", "Close"]
  ]

  return (
    <div className="chat">
      <div className="tabs" role="tablist" aria-label="Chats">
        {chats.map((c, i) => (
          <button
            key={c.interactionId}
            type="button"
            role="tab"
            aria-selected={c.interactionId === chat.interactionId}
            className={`tab ${c.unread > 0 ? "unread" : ""}`}
            title={`Alt+${i + 1}`}
            onClick={() => onSelect(c.interactionId)}
          >
            <span className="truncate">{nameOf(c)}</span>
            {c.phase !== "live" ? (
              <span className="caption">{c.phase === "customerClosed" ? "Ended" : "Wrap-up"}</span>
            ) : null}
            {c.unread > 0 ? <span className="unread">{c.unread}</span> : null}
          </button>
        ))}
      </div>
      <div className="chat-head">
        <div className="chat-title">
          <h1 className="truncate">{name}</h1>
          <span className="meta">
            {chat.context?.interaction.number ?? ""} · {label(chat.context?.interaction.intent ?? null)} ·{" "}
            {label(chat.queue)}
          </span>
        </div>
        <div className="actions" role="toolbar" aria-label="Quick actions">
          {actions.map(([k, text]) => (
            <button
              key={k}
              type="button"
              className="small"
              disabled={!online || (!live && k !== "close") || (k === "close" && chat.phase === "wrapUp")}
              onClick={() => setDialog(k)}
            >
              {text}
            </button>
          ))}
          <button
            type="button"
            className="small primary"
            disabled={!online || chat.phase === "live"}
            onClick={() => void complete()}
          >
            Complete
          </button>
          <button
            type="button"
            className="small ghost"
            aria-pressed={contextOpen}
            onClick={onToggleContext}
            aria-label="Show customer context"
          >
            ☰
          </button>
        </div>
      </div>
      {chat.phase === "customerClosed" ? (
        <div className="banner warn" role="alert">
          {name} closed the conversation. Close it with a wrap-up code, then Complete.
        </div>
      ) : chat.phase === "wrapUp" ? (
        <div className="banner" role="status">
          Wrap-up{chat.wrapCode !== undefined ? ` · ${chat.wrapCode}` : ""} — Complete when your notes are done to free
          the slot.
        </div>
      ) : null}
      {chat.callBack !== undefined ? (
        <div className="banner info" role="status">
          {chat.callBack.booked !== undefined
            ? `Call-back booked with ${label(chat.callBack.queue)} for ${dateTime(chat.callBack.booked.scheduledAt)} (${chat.callBack.booked.followUpNumber})`
            : `Call-back times offered (${label(chat.callBack.queue)}): ${chat.callBack.slots
                .slice(0, 3)
                .map((s) => s.label)
                .join(", ")}${chat.callBack.slots.length > 3 ? "…" : ""} — waiting for the customer`}
        </div>
      ) : null}
      <div className="transcript">
        <TranscriptView
          lines={chat.lines}
          typing={chat.customerTyping}
          label={`Conversation with ${name}`}
          token={token}
        />
        <div ref={logEnd} />
      </div>
      <Composer
        chat={chat}
        online={online}
        focusKey={chat.interactionId}
        onSend={send}
        onAttach={attach}
        onTyping={(active) => void command({ type: "typing", interactionId: chat.interactionId, active })}
        onSlash={(text) => {
          const k = slash[text.split(/\s/)[0] ?? ""]
          if (k === undefined) return false
          setDialog(k)
          return true
        }}
      />
      {dialog !== undefined ? (
        <ActionDialog
          kind={dialog}
          chat={chat}
          token={token}
          command={command}
          act={act}
          onClose={() => setDialog(undefined)}
        />
      ) : null}
    </div>
  )
}
