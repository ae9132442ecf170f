import { useEffect, useRef, useState } from "react"
import { label } from "../shared/format.ts"
import type { Session } from "../shared/session.ts"
import type { Link } from "../shared/socket.ts"
import type { State } from "./store.ts"

const presences = ["available", "away", "offline"] as const

const LinkState = ({ link }: { readonly link: Link }) => {
  const [now, setNow] = useState(Date.now())
  const [backAt, setBackAt] = useState<number | undefined>(undefined)
  const was = useRef(link.state)
  useEffect(() => {
    if (link.state === "online" && was.current !== "online" && was.current !== "connecting") setBackAt(Date.now())
    was.current = link.state
  }, [link.state])
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => clearInterval(t)
  }, [])
  if (link.state === "online")
    return backAt !== undefined && now - backAt < 3_000 ? (
      <span className="pill ok" role="status">
        Back online
      </span>
    ) : (
      <span className="pill" role="status">
        <span className="dot available" aria-hidden="true" /> Connected
      </span>
    )
  if (link.state === "connecting")
    return (
      <span className="pill" role="status">
        Connecting…
      </span>
    )
  const wait = link.retryAt === undefined ? 0 : Math.max(0, Math.ceil((link.retryAt - now) / 1000))
  return link.state === "offline" ? (
    <span className="pill crit" role="status">
      Offline — offers paused{wait > 0 ? ` · next try in ${wait} s` : ""}
    </span>
  ) : (
    <span className="pill warn" role="status">
      Reconnecting…{wait > 0 ? ` next try in ${wait} s` : ""}
    </span>
  )
}

export const TopBar = ({
  session,
  presence,
  load,
  link,
  onPresence,
  onHelp,
  onSignOut
}: {
  readonly session: Session
  readonly presence: State["presence"]
  readonly load: number
  readonly link: Link
  readonly onPresence: (state: (typeof presences)[number]) => void
  readonly onHelp: () => void
  readonly onSignOut: () => void
}) => {
  const [open, setOpen] = useState(false)
  const button = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.code === "KeyP") {
        e.preventDefault()
        setOpen(true)
      }
      if (e.key === "Escape") setOpen(false)
    }
    window.addEventListener("keydown", onKey)
    return () => window.removeEventListener("keydown", onKey)
  }, [])
  return (
    <header className="topbar">
      <span className="brand">
        <span className="logo" aria-hidden="true">
          P
        </span>
        <strong>Agent Workspace</strong>
      </span>
      <div className="presence">
        <button
          ref={button}
          type="button"
          aria-haspopup="menu"
          aria-expanded={open}
          aria-label={`Presence: ${presence.label ?? label(presence.state)}. Change presence`}
          disabled={link.state !== "online"}
          onClick={() => setOpen(!open)}
        >
          <span className={`dot ${presence.state}`} aria-hidden="true" />
          {presence.label ?? label(presence.state)} ▾
        </button>
        {open ? (
          <div className="menu" role="menu" aria-label="Presence">
            {presences.map((p) => (
              <button
                key={p}
                type="button"
                role="menuitemradio"
                aria-checked={presence.state === p}
                onClick={() => {
                  setOpen(false)
                  onPresence(p)
                  button.current?.focus()
                }}
              >
                <span className={`dot ${p}`} aria-hidden="true" /> {label(p)}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <span className="capacity" role="status" aria-label={`Capacity: ${load} of ${presence.capacity} chats`}>
        <strong>{load}</strong> of {presence.capacity}
        <span className="caption"> chats</span>
      </span>
      <LinkState link={link} />
      <span className="spacer" />
      <button type="button" className="ghost" onClick={onHelp} aria-label="Keyboard shortcuts">
        ?
      </button>
      <span className="meta">{session.user.displayName}</span>
      <button type="button" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  )
}
