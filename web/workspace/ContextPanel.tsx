import { ago, device, label, locale } from "../shared/format.ts"
import { kinds, missing } from "./kinds.ts"
import type { Chat } from "./store.ts"

/** Who the customer is and what they have, beside the chat (360 px, collapsible). */
export const ContextPanel = ({ chat, name }: { readonly chat: Chat; readonly name: string }) => {
  const ctx = chat.context
  const customer = ctx?.customer ?? null
  const interaction = ctx?.interaction
  return (
    <aside className="context" aria-label="Customer context">
      <section>
        <h2>{name}</h2>
        {customer === null ? (
          <p className="meta">
            {chat.linkedName !== undefined ? "Linked by you in this chat" : "Not identified yet — use Link customer"}
          </p>
        ) : (
          <dl className="facts">
            <dt>Identified as</dt>
            <dd>
              {label(customer.kind)}
              {customer.tier !== null ? <span className="pill">{label(customer.tier)} tier</span> : null}
            </dd>
            <dt>Account</dt>
            <dd>{customer.account?.name ?? "Consumer (no account)"}</dd>
            {customer.email !== null ? (
              <>
                <dt>Email</dt>
                <dd className="truncate">{customer.email}</dd>
              </>
            ) : null}
            {customer.phone !== null ? (
              <>
                <dt>Phone</dt>
                <dd>{customer.phone}</dd>
              </>
            ) : null}
          </dl>
        )}
      </section>
      <section aria-labelledby="cards-title">
        <h3 id="cards-title">Cards</h3>
        {(ctx?.assets ?? []).length === 0 ? (
          <p className="meta">No cards on record</p>
        ) : (
          <ul className="cards">
            {(ctx?.assets ?? []).map((a) => (
              <li key={a.id}>
                <span className="truncate">{a.productName}</span>
                <span className="masked">{a.maskedNumber}</span>
                <span className={`pill ${a.status === "active" ? "ok" : "crit"}`}>{label(a.status)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="cases-title">
        <h3 id="cases-title">Open cases</h3>
        {(ctx?.openCases ?? []).length === 0 && chat.cases.length === 0 ? (
          <p className="meta">No open cases</p>
        ) : (
          <ul className="cases">
            {chat.cases.map((n) => (
              <li key={n}>
                <strong>{n}</strong> <span className="meta">created in this chat</span>
              </li>
            ))}
            {(ctx?.openCases ?? []).map((c) => (
              <li key={c.number}>
                <span>
                  <strong>{c.number}</strong> <span className="pill">{label(c.state)}</span>
                </span>
                <span className="meta">{c.shortDescription}</span>
                <span className="caption">Opened {ago(c.openedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="device-title">
        <h3 id="device-title">Conversation</h3>
        <dl className="facts">
          <dt>Number</dt>
          <dd>{interaction?.number ?? "—"}</dd>
          <dt>Topic</dt>
          <dd>{label(interaction?.topic ?? interaction?.intent ?? null)}</dd>
          <dt>Why a person</dt>
          <dd>{interaction?.reason ?? "—"}</dd>
          <dt>Locale</dt>
          <dd>{locale(interaction?.locale)}</dd>
          <dt>Device</dt>
          <dd>{device(interaction?.deviceAgent)}</dd>
          <dt>Can show</dt>
          <dd className="kinds">
            {kinds.map((k) => (
              <span key={k.kind} className={`pill ${missing(k.kind, chat) === undefined ? "ok" : ""}`}>
                {k.label}
              </span>
            ))}
          </dd>
        </dl>
      </section>
    </aside>
  )
}
