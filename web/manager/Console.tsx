import { useEffect, useMemo, useRef, useState } from "react"
import { query } from "../shared/api.ts"
import { ago, clock, dateTime, duration, label } from "../shared/format.ts"
import type { Session } from "../shared/session.ts"
import { TranscriptView } from "../shared/Transcript.tsx"
import type {
  AgentRow,
  ClusterStatus,
  FeedbackEntry,
  FeedbackSummary,
  InteractionDetail,
  InteractionRow,
  QueueStats
} from "./types.ts"
import { usePoll } from "./usePoll.ts"

const sections = ["Overview", "Interactions", "Queues", "Agents", "Feedback", "Dead letters", "Cluster"] as const
type Section = (typeof sections)[number]

const slug = (s: Section) => s.toLowerCase().replace(" ", "-")
const sectionOf = (hash: string): Section => sections.find((s) => `#${slug(s)}` === hash) ?? "Overview"

const Problem = ({ error, retry }: { readonly error: string | undefined; readonly retry: () => void }) =>
  error === undefined ? null : (
    <p className="error-line" role="alert">
      {error}
      <button type="button" className="small" onClick={retry}>
        Retry
      </button>
    </p>
  )

const skeletonKeys = ["a", "b", "c", "d", "e", "f", "g", "h"]

const Skeleton = ({ rows = 3 }: { readonly rows?: number }) => (
  <div className="skeleton" role="status" aria-busy="true" aria-label="Loading">
    {skeletonKeys.slice(0, rows).map((k) => (
      <span key={k} />
    ))}
  </div>
)

const waitTone = (seconds: number | null, target = 60) =>
  seconds === null ? "" : seconds > 2 * target ? "crit" : seconds > target ? "warn" : ""

const QueuesTable = ({ queues }: { readonly queues: ReadonlyArray<QueueStats> }) => (
  <table className="grid" aria-label="Queues">
    <thead>
      <tr>
        <th>Queue</th>
        <th>Waiting</th>
        <th>Oldest wait</th>
        <th>Available / with a free slot</th>
        <th>Offered</th>
      </tr>
    </thead>
    <tbody>
      {queues.map((q) => (
        <tr key={q.id}>
          <td>
            <strong>{label(q.name)}</strong>
            <div className="caption">{q.description}</div>
          </td>
          <td>{q.waiting}</td>
          <td>
            {q.oldestWaitSeconds === null ? (
              <span className="muted">Nobody waiting</span>
            ) : (
              <span className={`pill ${waitTone(q.oldestWaitSeconds)}`}>{clock(q.oldestWaitSeconds)}</span>
            )}
          </td>
          <td>
            {q.agentsAvailable} / {q.agentsWithCapacity}
          </td>
          <td>{q.offered}</td>
        </tr>
      ))}
    </tbody>
  </table>
)

const AgentsTable = ({ agents }: { readonly agents: ReadonlyArray<AgentRow> }) => (
  <table className="grid" aria-label="Agents">
    <thead>
      <tr>
        <th>Agent</th>
        <th>Presence</th>
        <th>Load</th>
        <th>Since</th>
        <th>Offers waiting</th>
      </tr>
    </thead>
    <tbody>
      {agents.map((a) => {
        const ch = a.channels[0]
        const capacity = ch?.capacity ?? 0
        return (
          <tr key={a.id}>
            <td>
              <strong>{a.displayName}</strong>
            </td>
            <td>
              <span className={`dot ${ch?.presence ?? "offline"}`} aria-hidden="true" />{" "}
              {label(ch?.presence ?? "offline")}
            </td>
            <td>
              <span className="load">
                <span className="bar" aria-hidden="true">
                  <span style={{ width: `${capacity === 0 ? 0 : Math.min(100, (a.assigned / capacity) * 100)}%` }} />
                </span>
                {a.assigned} of {capacity}
              </span>
            </td>
            <td title={ch === undefined ? undefined : dateTime(ch.presenceAt)}>
              {ch === undefined ? "—" : ago(ch.presenceAt)}
            </td>
            <td>{a.offered}</td>
          </tr>
        )
      })}
    </tbody>
  </table>
)

const Tile = ({ name, value, tone }: { readonly name: string; readonly value: string; readonly tone?: string }) => (
  <div className={`tile card ${tone ?? ""}`}>
    <span className="meta">{name}</span>
    <strong>{value}</strong>
  </div>
)

const stars = (n: number) => `${n.toFixed(1)} / 5`

const Overview = ({ token }: { readonly token: string }) => {
  const queues = usePoll<{ items: ReadonlyArray<QueueStats> }>("/queues", token)
  const agents = usePoll<{ items: ReadonlyArray<AgentRow> }>("/agents", token)
  const feedback = usePoll<FeedbackSummary>("/feedback/summary", token, 10_000)
  const q = queues.data?.items ?? []
  const a = agents.data?.items ?? []
  const oldest = Math.max(-1, ...q.map((x) => x.oldestWaitSeconds ?? -1))
  return (
    <>
      <div className="tiles">
        <Tile name="Waiting" value={String(q.reduce((n, x) => n + x.waiting, 0))} />
        <Tile name="Oldest wait" value={oldest < 0 ? "—" : clock(oldest)} tone={waitTone(oldest < 0 ? null : oldest)} />
        <Tile name="Agents available" value={String(a.filter((x) => x.channels[0]?.presence === "available").length)} />
        <Tile name="Active chats" value={String(a.reduce((n, x) => n + x.assigned, 0))} />
        <Tile
          name="Average rating"
          value={feedback.data?.overall.average == null ? "—" : stars(feedback.data.overall.average)}
        />
        <Tile name="Ratings" value={String(feedback.data?.overall.count ?? 0)} />
      </div>
      <Problem error={queues.error ?? agents.error} retry={queues.retry} />
      <h2>Queues</h2>
      {queues.data === undefined ? <Skeleton /> : <QueuesTable queues={q} />}
      <h2>Agents</h2>
      {agents.data === undefined ? <Skeleton /> : <AgentsTable agents={a} />}
    </>
  )
}

const states = ["new", "work_in_progress", "closed_complete", "closed_abandoned"]

const Drawer = ({
  id,
  token,
  onClose,
  agentNames
}: {
  readonly id: string
  readonly token: string
  readonly onClose: () => void
  readonly agentNames: ReadonlyMap<string, string>
}) => {
  const detail = usePoll<InteractionDetail>(`/interactions/${id}`, token, 0)
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
  const i = detail.data?.interaction
  const lines = (detail.data?.transcript ?? []).map((m) => ({
    id: m.id,
    direction: m.direction,
    author: m.authorKind,
    kind: m.kind,
    body: m.body,
    at: m.createdAt,
    ...(m.authorUserId !== null ? { authorName: agentNames.get(m.authorUserId) ?? "Agent" } : {})
  }))
  return (
    <dialog ref={ref} className="drawer" aria-label={`Interaction ${i?.number ?? ""}`} onCancel={onClose}>
      <div className="drawer-head">
        <div>
          <h2>{i === undefined ? "Loading…" : `${i.number} · ${i.customerName ?? "Unverified customer"}`}</h2>
          {i !== undefined ? (
            <span className="meta">
              {label(i.state)} · {label(i.queue?.name ?? null)} · {i.agentName ?? "No agent"} · opened{" "}
              {dateTime(i.openedAt)}
            </span>
          ) : null}
        </div>
        <button type="button" className="ghost" aria-label="Close" onClick={onClose}>
          ✕
        </button>
      </div>
      <Problem error={detail.error} retry={detail.retry} />
      {detail.data === undefined ? (
        <Skeleton rows={6} />
      ) : (
        <div className="drawer-body">
          <section className="drawer-facts">
            <dl className="facts">
              <dt>Topic</dt>
              <dd>{label(i?.topic ?? i?.intent ?? null)}</dd>
              <dt>Why a person</dt>
              <dd>{i?.reason ?? "—"}</dd>
              <dt>Duration</dt>
              <dd>{i === undefined ? "—" : duration(i.openedAt, i.closedAt)}</dd>
              <dt>Rating</dt>
              <dd>
                {detail.data.feedback === null ? (
                  "Not rated"
                ) : (
                  <>
                    <strong>{detail.data.feedback.rating} of 5</strong>
                    {detail.data.feedback.comment !== null ? <span>“{detail.data.feedback.comment}”</span> : null}
                  </>
                )}
              </dd>
              <dt>Cases</dt>
              <dd>
                {detail.data.cases.length === 0
                  ? "None"
                  : detail.data.cases.map((c) => `${c.number} (${label(c.state)})`).join(", ")}
              </dd>
            </dl>
          </section>
          <TranscriptView lines={lines} label={`Transcript of ${i?.number ?? ""}`} token={token} />
        </div>
      )}
    </dialog>
  )
}

const Interactions = ({ token, agents }: { readonly token: string; readonly agents: ReadonlyArray<AgentRow> }) => {
  const [state, setState] = useState("")
  const [queue, setQueue] = useState("")
  const [agent, setAgent] = useState("")
  const [from, setFrom] = useState("")
  const [to, setTo] = useState("")
  const [search, setSearch] = useState("")
  const [open, setOpen] = useState<string | undefined>(undefined)
  const queues = usePoll<{ items: ReadonlyArray<QueueStats> }>("/queues", token, 0)
  const path = `/interactions${query({
    type: "messaging",
    subtype: "apple",
    state,
    queue,
    agent,
    from: from === "" ? undefined : new Date(from).toISOString(),
    to: to === "" ? undefined : new Date(to).toISOString(),
    limit: 100
  })}`
  const list = usePoll<{ items: ReadonlyArray<InteractionRow> }>(path, token, 5_000)
  const names = useMemo(() => new Map(agents.map((a) => [a.id, a.displayName])), [agents])
  const rows = (list.data?.items ?? []).filter((r) => {
    const s = search.trim().toLowerCase()
    return (
      s === "" ||
      [r.number, r.customerName ?? "", r.agentName ?? "", r.intent ?? ""].some((v) => v.toLowerCase().includes(s))
    )
  })
  const filtered = state !== "" || queue !== "" || agent !== "" || from !== "" || to !== "" || search !== ""
  return (
    <>
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          Opened from
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field">
          Opened before
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label className="field">
          State
          <select value={state} onChange={(e) => setState(e.target.value)}>
            <option value="">Any</option>
            {states.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Queue
          <select value={queue} onChange={(e) => setQueue(e.target.value)}>
            <option value="">Any</option>
            {(queues.data?.items ?? []).map((q) => (
              <option key={q.id} value={q.name}>
                {label(q.name)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Agent
          <select value={agent} onChange={(e) => setAgent(e.target.value)}>
            <option value="">Any</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id}>
                {a.displayName}
              </option>
            ))}
          </select>
        </label>
        <label className="field grow">
          Search
          <input
            type="search"
            placeholder="Number, customer, agent, topic"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
      </form>
      <Problem error={list.error} retry={list.retry} />
      {list.data === undefined ? (
        <Skeleton rows={6} />
      ) : rows.length === 0 ? (
        <div className="empty-state">
          <p>Nothing matches.</p>
          {filtered ? (
            <button
              type="button"
              onClick={() => {
                setState("")
                setQueue("")
                setAgent("")
                setFrom("")
                setTo("")
                setSearch("")
              }}
            >
              Clear filters
            </button>
          ) : null}
        </div>
      ) : (
        <table className="grid" aria-label="Interactions">
          <thead>
            <tr>
              <th>Number</th>
              <th>Customer</th>
              <th>Topic</th>
              <th>Queue</th>
              <th>Agent</th>
              <th>State</th>
              <th>Opened</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.id}
                className={`clickable ${open === r.id ? "selected" : ""}`}
                tabIndex={0}
                onClick={() => setOpen(r.id)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") setOpen(r.id)
                }}
              >
                <td>{r.number}</td>
                <td>{r.customerName ?? <span className="muted">Unverified customer</span>}</td>
                <td>{label(r.topic ?? r.intent)}</td>
                <td>{label(r.queue?.name ?? null)}</td>
                <td>{r.agentName ?? <span className="muted">—</span>}</td>
                <td>
                  <span className={`pill ${r.state.startsWith("closed") ? "" : "info"}`}>{label(r.state)}</span>
                </td>
                <td title={dateTime(r.openedAt)}>{ago(r.openedAt)}</td>
                <td>{duration(r.openedAt, r.closedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {open !== undefined ? (
        <Drawer id={open} token={token} agentNames={names} onClose={() => setOpen(undefined)} />
      ) : null}
    </>
  )
}

const Ratings = ({
  title,
  groups
}: {
  readonly title: string
  readonly groups: ReadonlyArray<{
    readonly id: string | null
    readonly name: string | null
    readonly count: number
    readonly average: number
  }>
}) => (
  <table className="grid" aria-label={title}>
    <thead>
      <tr>
        <th>{title === "By queue" ? "Queue" : "Agent"}</th>
        <th>Average</th>
        <th>Ratings</th>
      </tr>
    </thead>
    <tbody>
      {groups.map((g) => (
        <tr key={g.id ?? "none"}>
          <td>
            {g.name === null ? (
              <span className="muted">{title === "By queue" ? "No queue" : "Virtual agent only"}</span>
            ) : (
              label(g.name)
            )}
          </td>
          <td>
            <span className="load">
              <span className="bar" aria-hidden="true">
                <span style={{ width: `${(g.average / 5) * 100}%` }} />
              </span>
              {stars(g.average)}
            </span>
          </td>
          <td>{g.count}</td>
        </tr>
      ))}
    </tbody>
  </table>
)

const Feedback = ({ token }: { readonly token: string }) => {
  const summary = usePoll<FeedbackSummary>("/feedback/summary", token, 10_000)
  const latest = usePoll<{ items: ReadonlyArray<FeedbackEntry> }>("/feedback?limit=20", token, 10_000)
  const s = summary.data
  return (
    <>
      <div className="tiles">
        <Tile name="Average rating" value={s?.overall.average == null ? "—" : stars(s.overall.average)} />
        <Tile name="Ratings" value={String(s?.overall.count ?? 0)} />
      </div>
      <Problem error={summary.error} retry={summary.retry} />
      <div className="two">
        <section>
          <h2>By queue</h2>
          {s === undefined ? <Skeleton /> : <Ratings title="By queue" groups={s.byQueue} />}
        </section>
        <section>
          <h2>By agent</h2>
          {s === undefined ? <Skeleton /> : <Ratings title="By agent" groups={s.byAgent} />}
        </section>
      </div>
      <h2>Latest comments</h2>
      <table className="grid" aria-label="Latest feedback">
        <thead>
          <tr>
            <th>Interaction</th>
            <th>Rating</th>
            <th>Comment</th>
            <th>Agent</th>
            <th>When</th>
          </tr>
        </thead>
        <tbody>
          {(latest.data?.items ?? []).map((f) => (
            <tr key={f.id}>
              <td>{f.interactionNumber}</td>
              <td>{f.rating} of 5</td>
              <td>{f.comment ?? <span className="muted">No comment</span>}</td>
              <td>{f.agentName ?? <span className="muted">Virtual agent</span>}</td>
              <td title={dateTime(f.createdAt)}>{ago(f.createdAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  )
}

const palette = ["#0a5cc2", "#1a7f37", "#8250df", "#bf8700", "#cf222e", "#1b7c83"]

const Cluster = ({ status, dead }: { readonly status: ClusterStatus | undefined; readonly dead: boolean }) => {
  if (status === undefined) return <Skeleton rows={4} />
  if (dead) {
    const latest = status.deadLetters.latest
    return (
      <>
        <p className="meta">
          {status.deadLetters.total === 0
            ? "No dead letters: every message was handled."
            : `${status.deadLetters.total} messages could not be handled after retries.`}
        </p>
        {latest.length > 0 ? (
          <table className="grid" aria-label="Dead letters">
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Cause</th>
                <th>Attempts</th>
              </tr>
            </thead>
            <tbody>
              {latest.map((d) => (
                <tr key={d.id}>
                  <td title={dateTime(d.at)}>{ago(d.at)}</td>
                  <td>{label(d.kind)}</td>
                  <td>{d.cause}</td>
                  <td>{d.attempts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </>
    )
  }
  const colour = new Map(status.nodes.map((n, i) => [n.id, palette[i % palette.length] ?? "#0a5cc2"]))
  const kinds = [...new Set(status.nodes.flatMap((n) => n.partitions.map((p) => p.kind)))].sort()
  return (
    <>
      {!status.complete ? (
        <p className="error-line">
          The lease registry could not be read: only {status.answeredBy}'s partitions are shown.
        </p>
      ) : null}
      <h2>Members</h2>
      <table className="grid" aria-label="Members">
        <thead>
          <tr>
            <th>Node</th>
            <th>Status</th>
            <th>Partitions</th>
            <th>Last heartbeat</th>
            <th>Started</th>
            <th>Version</th>
          </tr>
        </thead>
        <tbody>
          {status.nodes.map((n) => (
            <tr key={n.id}>
              <td>
                <span className="swatch" style={{ background: colour.get(n.id) }} aria-hidden="true" /> {n.id}
                {n.host !== null ? <div className="caption">{n.host}</div> : null}
              </td>
              <td>
                <span className={`pill ${n.live ? "ok" : "crit"}`}>{n.live ? "Live" : "Gone"}</span>
              </td>
              <td>{n.partitions.length}</td>
              <td>{n.lastHeartbeat === null ? "—" : ago(n.lastHeartbeat)}</td>
              <td>{n.startedAt === null ? "—" : dateTime(n.startedAt)}</td>
              <td>{n.version ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Partitions</h2>
      {kinds.map((kind) => {
        const owned = status.nodes.flatMap((n) =>
          n.partitions.filter((p) => p.kind === kind).map((p) => ({ ...p, node: n.id }))
        )
        const count = Math.max(0, ...owned.map((p) => p.partition + 1))
        return (
          <fieldset key={kind} className="partitions" aria-label={`${label(kind)} partitions`}>
            <span className="meta kind">{label(kind)}</span>
            <div className="tiles-row">
              {Array.from({ length: count }, (_, n) => n).map((i) => {
                const owner = owned.find((p) => p.partition === i)
                return (
                  <span
                    key={`p${i}`}
                    className="ptile"
                    style={{ background: owner === undefined ? "#d0d7de" : colour.get(owner.node) }}
                    title={
                      owner === undefined
                        ? `Partition ${i}: unowned`
                        : `Partition ${i}: ${owner.node}, epoch ${owner.epoch}`
                    }
                  />
                )
              })}
            </div>
          </fieldset>
        )
      })}
    </>
  )
}

export const Console = ({ session, onSignOut }: { readonly session: Session; readonly onSignOut: () => void }) => {
  const [section, setSection] = useState<Section>(() => sectionOf(location.hash))
  useEffect(() => {
    const onHash = () => setSection(sectionOf(location.hash))
    window.addEventListener("hashchange", onHash)
    return () => window.removeEventListener("hashchange", onHash)
  }, [])
  const token = session.token
  const agents = usePoll<{ items: ReadonlyArray<AgentRow> }>(
    section === "Agents" || section === "Interactions" ? "/agents" : undefined,
    token
  )
  const queues = usePoll<{ items: ReadonlyArray<QueueStats> }>(section === "Queues" ? "/queues" : undefined, token)
  const cluster = usePoll<ClusterStatus>(
    section === "Cluster" || section === "Dead letters" ? "/cluster" : undefined,
    token,
    5_000
  )
  const degraded = (cluster.data?.deadLetters.total ?? 0) > 0
  return (
    <div className="console">
      <nav className="nav" aria-label="Sections">
        <span className="brand">
          <span className="logo" aria-hidden="true">
            P
          </span>
          <strong>Manager</strong>
        </span>
        {sections.map((s) => (
          <a key={s} href={`#${slug(s)}`} aria-current={s === section ? "page" : undefined}>
            {s}
            {s === "Dead letters" && degraded ? <span className="pill crit">Degraded</span> : null}
          </a>
        ))}
        <span className="grow" />
        <span className="meta">{session.user.displayName}</span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </nav>
      <main className="page" aria-labelledby="page-title">
        <h1 id="page-title">{section}</h1>
        {section === "Overview" ? <Overview token={token} /> : null}
        {section === "Interactions" ? <Interactions token={token} agents={agents.data?.items ?? []} /> : null}
        {section === "Queues" ? (
          queues.data === undefined ? (
            <Skeleton />
          ) : (
            <QueuesTable queues={queues.data.items} />
          )
        ) : null}
        {section === "Agents" ? (
          agents.data === undefined ? (
            <Skeleton />
          ) : (
            <AgentsTable agents={agents.data.items} />
          )
        ) : null}
        {section === "Feedback" ? <Feedback token={token} /> : null}
        {section === "Dead letters" || section === "Cluster" ? (
          <>
            <Problem error={cluster.error} retry={cluster.retry} />
            <Cluster status={cluster.data} dead={section === "Dead letters"} />
          </>
        ) : null}
      </main>
    </div>
  )
}
