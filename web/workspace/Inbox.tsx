import { useEffect, useState } from "react"
import { ago, label } from "../shared/format.ts"
import { type Chat, nameOf, type Offer } from "./store.ts"

const previewOf = (line: Chat["lines"][number] | undefined): string => {
  if (line === undefined) return ""
  const content = line.body.content as { readonly type?: string; readonly body?: string } | undefined
  if (typeof line.body.text === "string") return line.body.text
  if (content?.type === "text" && typeof content.body === "string") return content.body
  return label(line.kind)
}

const reasons = ["Busy with another customer", "Needs another skill", "Ending my shift", "Other"]

const Countdown = ({ expiresAt }: { readonly expiresAt: number }) => {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(t)
  }, [])
  const left = Math.max(0, Math.ceil((expiresAt - now) / 1000))
  const tone = left <= 5 ? "crit" : left <= 10 ? "warn" : ""
  const total = 60
  return (
    <div className={`countdown ${tone}`}>
      <div className="bar" aria-hidden="true">
        <span style={{ width: `${Math.min(100, (left / total) * 100)}%` }} />
      </div>
      <span className="seconds" role="timer" aria-label={`${left} seconds left to accept`}>
        {left > 0 ? `${left} s` : "Timed out"}
      </span>
      {left === 10 ? (
        <span className="visually-hidden" role="status">
          10 seconds left to accept
        </span>
      ) : null}
    </div>
  )
}

const OfferCard = ({
  offer,
  online,
  rejecting,
  setRejecting,
  onAccept,
  onReject
}: {
  readonly offer: Offer
  readonly online: boolean
  readonly rejecting: boolean
  readonly setRejecting: (offerId: string | undefined) => void
  readonly onAccept: (offerId: string) => void
  readonly onReject: (offerId: string, reason: string) => void
}) => {
  const [reason, setReason] = useState(reasons[0] ?? "")
  const name = nameOf(offer)
  const last = [...offer.lines].reverse().find((l) => l.direction === "in")
  const waited = offer.context?.interaction.openedAt
  return (
    <li className="offer card" aria-label={`Offer: ${name}`}>
      <div className="offer-head">
        <strong className="truncate">{name}</strong>
        <span className="pill info">{label(offer.queue)}</span>
      </div>
      <div className="meta truncate">
        {label(offer.context?.interaction.intent ?? offer.context?.interaction.topic ?? null)}
        {waited !== undefined ? ` · opened ${ago(waited)}` : ""}
      </div>
      {last !== undefined ? <p className="truncate last-line">“{String(last.body.text ?? "…")}”</p> : null}
      <Countdown expiresAt={offer.expiresAt} />
      {rejecting ? (
        <form
          className="reject"
          onSubmit={(e) => {
            e.preventDefault()
            onReject(offer.offerId, reason)
            setRejecting(undefined)
          }}
        >
          <label className="field">
            Reason
            <select value={reason} onChange={(e) => setReason(e.target.value)}>
              {reasons.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <div className="row">
            <button type="submit" className="danger">
              Reject offer
            </button>
            <button type="button" onClick={() => setRejecting(undefined)}>
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <div className="row">
          <button type="button" className="primary" disabled={!online} onClick={() => onAccept(offer.offerId)}>
            Accept
          </button>
          <button type="button" onClick={() => setRejecting(offer.offerId)}>
            Reject…
          </button>
        </div>
      )}
    </li>
  )
}

export const Inbox = ({
  presence,
  offers,
  chats,
  active,
  online,
  rejecting,
  setRejecting,
  onAccept,
  onReject,
  onOpen
}: {
  readonly presence: string
  readonly offers: ReadonlyArray<Offer>
  readonly chats: ReadonlyArray<Chat>
  readonly active: string | undefined
  readonly online: boolean
  readonly rejecting: string | undefined
  readonly setRejecting: (offerId: string | undefined) => void
  readonly onAccept: (offerId: string) => void
  readonly onReject: (offerId: string, reason: string) => void
  readonly onOpen: (interactionId: string) => void
}) => (
  <nav className="inbox" aria-label="Inbox">
    <section aria-labelledby="offers-title">
      <h2 id="offers-title">
        Offers <span className="count">{offers.length}</span>
      </h2>
      {offers.length === 0 ? (
        <p className="meta empty-line">
          {presence === "available" ? "No chats waiting." : "Offline — go Available to get chats"}
        </p>
      ) : (
        <ul className="offers" aria-live="polite">
          {offers.map((o) => (
            <OfferCard
              key={o.offerId}
              offer={o}
              online={online}
              rejecting={rejecting === o.offerId}
              setRejecting={setRejecting}
              onAccept={onAccept}
              onReject={onReject}
            />
          ))}
        </ul>
      )}
    </section>
    <section aria-labelledby="chats-title">
      <h2 id="chats-title">
        My chats <span className="count">{chats.length}</span>
      </h2>
      {chats.length === 0 ? (
        <p className="meta empty-line">Accept a chat to start</p>
      ) : (
        <ul className="chats">
          {chats.map((c, i) => {
            const last = c.lines[c.lines.length - 1]
            return (
              <li key={c.interactionId}>
                <button
                  type="button"
                  className={`chat-item ${c.interactionId === active ? "active" : ""}`}
                  aria-current={c.interactionId === active ? "true" : undefined}
                  onClick={() => onOpen(c.interactionId)}
                  title={`Alt+${i + 1}`}
                >
                  <span className="chat-item-head">
                    <strong className="truncate">{nameOf(c)}</strong>
                    <span className="caption">{ago(c.lastActivity)}</span>
                  </span>
                  <span className="meta truncate">
                    {c.phase === "live"
                      ? c.customerTyping
                        ? "typing…"
                        : previewOf(last)
                      : c.phase === "customerClosed"
                        ? "Customer left"
                        : "Wrap-up"}
                  </span>
                  {c.unread > 0 ? (
                    <span className="unread">
                      {c.unread}
                      <span className="visually-hidden"> unread</span>
                    </span>
                  ) : null}
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  </nav>
)
