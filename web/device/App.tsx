import { useEffect, useState } from "react"
import type { WireCustomer, WireEntry } from "../../sim/SimControlWire.ts"
import { type About, loadAbout } from "./about.ts"
import { Chooser } from "./Chooser.tsx"
import { businessName, Conversation } from "./Conversation.tsx"
import { DemoPanel } from "./DemoPanel.tsx"
import { clock } from "./format.ts"
import { useThread } from "./useThread.ts"
import "./device.css"

const customerParam = () => new URLSearchParams(window.location.search).get("customer") ?? undefined

const preview = (entries: ReadonlyArray<WireEntry>): string => {
  const last = entries
    .filter((e) => e.direction === "out" || (e.kind !== "typingStart" && e.kind !== "typingEnd"))
    .at(-1)
  if (last === undefined) return "No messages yet"
  if (last.direction === "out") return last.summary ?? last.body?.replace(/\uFFFC/g, "📎") ?? "You left"
  return (
    last.body ?? last.title ?? last.richLinkData?.title ?? last.interactive?.data?.["quick-reply"]?.summaryText ?? ""
  )
}

/** iPad and Mac show the conversation list beside the conversation. */
const ThreadList = ({ entries }: { readonly entries: ReadonlyArray<WireEntry> }) => (
  <nav className="thread-list" aria-label="Conversations">
    <p className="thread-list-title">Messages</p>
    <div className="thread-item active" aria-current="true">
      <span className="business-logo small" aria-hidden="true">
        P
      </span>
      <span className="thread-item-text">
        <span className="thread-item-name">
          {businessName}
          <span className="thread-item-time">
            {entries.length > 0 ? clock(entries[entries.length - 1]?.at ?? "") : ""}
          </span>
        </span>
        <span className="thread-item-preview">{preview(entries)}</span>
      </span>
    </div>
  </nav>
)

const Device = ({
  customerId,
  about,
  onSwitch
}: {
  readonly customerId: string
  readonly about: About
  readonly onSwitch: () => void
}) => {
  const thread = useThread(customerId)
  const customer: WireCustomer | undefined = thread.customer
  const known = about.identities?.find((i) => i.opaqueId === customerId)?.name
  const name =
    known ?? `Guest (${customer?.device === "mac" ? "Mac" : customer?.device === "ipad" ? "iPad" : "iPhone"})`
  if (customer === undefined)
    return (
      <main className="stage">
        <p className="chooser-problem" role="alert">
          {thread.problem ?? "Opening the device…"}
        </p>
        {thread.problem !== undefined ? (
          <button type="button" className="secondary-button" onClick={onSwitch}>
            Choose a customer
          </button>
        ) : null}
      </main>
    )
  return (
    <main className="stage">
      <div className={`frame frame-${customer.device}`} data-device={customer.device}>
        {customer.device === "mac" ? (
          <div className="mac-titlebar" aria-hidden="true">
            <span className="light red" />
            <span className="light yellow" />
            <span className="light green" />
          </div>
        ) : (
          <div className="status-bar" aria-hidden="true">
            <span>9:41</span>
            <span className="status-icons">▂▄▆ ◔</span>
          </div>
        )}
        <div className="screen">
          {customer.device === "iphone" ? null : <ThreadList entries={thread.entries} />}
          <Conversation customer={customer} entries={thread.entries} onBack={onSwitch} />
        </div>
      </div>
      <DemoPanel
        name={name}
        guest={known === undefined}
        customer={customer}
        violations={thread.violations}
        onSwitch={onSwitch}
      />
    </main>
  )
}

/** `/device`: pick who to be, then chat with Parley in a page that looks and behaves like Messages. */
export const App = () => {
  const [about, setAbout] = useState<About | undefined>(undefined)
  const [failed, setFailed] = useState(false)
  const [customerId, setCustomerId] = useState<string | undefined>(customerParam)
  useEffect(() => {
    loadAbout().then(setAbout, () => setFailed(true))
    const onPop = () => setCustomerId(customerParam())
    window.addEventListener("popstate", onPop)
    return () => window.removeEventListener("popstate", onPop)
  }, [])
  const go = (id: string | undefined) => {
    window.history.pushState(null, "", id === undefined ? "/device" : `/device?customer=${encodeURIComponent(id)}`)
    setCustomerId(id)
  }
  if (failed)
    return (
      <main className="chooser">
        <p className="chooser-problem" role="alert">
          Parley did not answer. Reload to try again.
        </p>
      </main>
    )
  if (about === undefined) return <main className="chooser" aria-busy="true" />
  if (!about.demo)
    return (
      <main className="chooser">
        <h1>Customer device</h1>
        <p>
          The simulated customer device exists in demo mode only. <a href="/">Back to Parley</a>
        </p>
      </main>
    )
  return customerId === undefined ? (
    <Chooser about={about} onChosen={go} />
  ) : (
    <Device customerId={customerId} about={about} onSwitch={() => go(undefined)} />
  )
}
