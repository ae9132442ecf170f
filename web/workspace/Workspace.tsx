import { useCallback, useEffect, useRef, useState } from "react"
import type { Session } from "../shared/session.ts"
import { ChatPanel } from "./ChatPanel.tsx"
import { ContextPanel } from "./ContextPanel.tsx"
import { Inbox } from "./Inbox.tsx"
import { nameOf } from "./store.ts"
import { TopBar } from "./TopBar.tsx"
import { useWorkspace } from "./useWorkspace.ts"

const keys: ReadonlyArray<readonly [string, string]> = [
  ["Alt+A", "Accept the oldest offer"],
  ["Alt+R", "Reject the oldest offer"],
  ["Alt+1…9", "Switch to chat 1…9"],
  ["Alt+↑ / Alt+↓", "Previous / next chat"],
  ["Alt+P", "Presence menu"],
  ["Enter", "Send; Shift+Enter for a new line"],
  ["/ in the composer", "Quick actions: /case, /callback, /transfer, /link, /close"],
  ["Esc", "Close a dialog"],
  ["?", "This list"]
]

export const Workspace = ({ session, onSignOut }: { readonly session: Session; readonly onSignOut: () => void }) => {
  const [active, setActive] = useState<string | undefined>(undefined)
  const signOut = useCallback(() => onSignOut(), [onSignOut])
  const { state, link, command, act } = useWorkspace(session, signOut, active)
  const [rejecting, setRejecting] = useState<string | undefined>(undefined)
  const [contextOpen, setContextOpen] = useState(true)
  const help = useRef<HTMLDialogElement>(null)
  const online = link.state === "online"

  const chat = state.chats.find((c) => c.interactionId === active) ?? state.chats[0]
  useEffect(() => {
    if (chat !== undefined && chat.interactionId !== active) setActive(chat.interactionId)
    if (chat === undefined && active !== undefined) setActive(undefined)
  }, [chat, active])
  useEffect(() => {
    if (chat !== undefined && chat.unread > 0) act({ type: "read", interactionId: chat.interactionId })
  }, [chat, act])

  const accept = useCallback(
    async (offerId: string) => {
      const offer = state.offers.find((o) => o.offerId === offerId)
      const answer = await command({ type: "accept", offerId })
      if (!answer.ok) act({ type: "notice", text: `Could not accept: ${answer.reason}`, tone: "crit" })
      else if (offer !== undefined) setActive(offer.interactionId)
    },
    [state.offers, command, act]
  )

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null
      const typing =
        target !== null && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT")
      if (e.key === "?" && !typing && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault()
        help.current?.showModal()
        return
      }
      if (!e.altKey) return
      const oldest = state.offers[0]
      if (e.code === "KeyA" && oldest !== undefined && online) {
        e.preventDefault()
        void accept(oldest.offerId)
      } else if (e.code === "KeyR" && oldest !== undefined) {
        e.preventDefault()
        setRejecting(oldest.offerId)
      } else if (/^Digit[1-9]$/.test(e.code)) {
        const target = state.chats[Number(e.code.slice(5)) - 1]
        if (target !== undefined) {
          e.preventDefault()
          setActive(target.interactionId)
        }
      } else if (e.code === "ArrowUp" || e.code === "ArrowDown") {
        const index = state.chats.findIndex((c) => c.interactionId === chat?.interactionId)
        const next =
          state.chats[(index + (e.code === "ArrowUp" ? -1 : 1) + state.chats.length) % Math.max(1, state.chats.length)]
        if (next !== undefined) {
          e.preventDefault()
          setActive(next.interactionId)
        }
      }
    }
    window.addEventListener("keydown", onKey)
    return () => window.removeEventListener("keydown", onKey)
  }, [state.offers, state.chats, chat, accept, online])

  return (
    <div className="ws">
      <TopBar
        session={session}
        presence={state.presence}
        load={state.chats.length}
        link={link}
        onPresence={(value) =>
          command({ type: "setPresence", channel: "apple_messages", state: value }).then((a) => {
            if (!a.ok) act({ type: "notice", text: `Presence not changed: ${a.reason}`, tone: "crit" })
          })
        }
        onHelp={() => help.current?.showModal()}
        onSignOut={signOut}
      />
      <div className="ws-body">
        <Inbox
          presence={state.presence.state}
          offers={state.offers}
          chats={state.chats}
          active={chat?.interactionId}
          online={online}
          rejecting={rejecting}
          setRejecting={setRejecting}
          onAccept={accept}
          onReject={async (offerId, reason) => {
            const answer = await command({ type: "reject", offerId, reason })
            if (!answer.ok) act({ type: "notice", text: `Could not reject: ${answer.reason}`, tone: "crit" })
          }}
          onOpen={setActive}
        />
        <main className="ws-center" aria-label="Conversations">
          {state.notices.length > 0 ? (
            <div className="notices" role="status">
              {state.notices.map((n) => (
                <div key={n.id} className={`notice ${n.tone}`}>
                  <span>{n.text}</span>
                  <button
                    type="button"
                    className="ghost small"
                    aria-label="Dismiss"
                    onClick={() => act({ type: "dismiss", id: n.id })}
                  >
                    ✕
                  </button>
                </div>
              ))}
            </div>
          ) : null}
          {chat === undefined ? (
            <div className="empty">
              <h2>
                {state.presence.state === "available"
                  ? "Accept a chat to start"
                  : "Offline — go Available to get chats"}
              </h2>
              <p className="meta">
                Offers appear on the left with the time left to accept. Press ? for keyboard shortcuts.
              </p>
            </div>
          ) : (
            <ChatPanel
              key={chat.interactionId}
              chats={state.chats}
              chat={chat}
              online={online}
              token={session.token}
              me={session.user}
              command={command}
              act={act}
              onSelect={setActive}
              contextOpen={contextOpen}
              onToggleContext={() => setContextOpen(!contextOpen)}
            />
          )}
        </main>
        {chat !== undefined && contextOpen ? <ContextPanel chat={chat} name={nameOf(chat)} /> : null}
      </div>
      <dialog ref={help} aria-labelledby="keys-title">
        <div className="dialog-body">
          <h2 id="keys-title">Keyboard shortcuts</h2>
          <table className="grid">
            <tbody>
              {keys.map(([k, v]) => (
                <tr key={k}>
                  <td>
                    <kbd>{k}</kbd>
                  </td>
                  <td>{v}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="dialog-actions">
            <button type="button" onClick={() => help.current?.close()}>
              Close
            </button>
          </div>
        </div>
      </dialog>
    </div>
  )
}
