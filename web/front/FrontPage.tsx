import { useEffect, useState } from "react"
import "./front.css"

interface Identity {
  readonly name: string
  readonly login?: string
  readonly role: string
  readonly opaqueId?: string
}

interface About {
  readonly demo: boolean
  readonly demoPassword?: string
  readonly identities?: ReadonlyArray<Identity>
}

type Health = "checking" | "ready" | "starting" | "down"

const roleNames: Record<string, string> = {
  agent_workspace_user: "Agent",
  sn_customerservice_manager: "Manager",
  "sn_customerservice.customer": "Customer contact (portal)",
  "sn_customerservice.consumer": "Consumer (portal)",
  "customer on the device": "Customer on the device"
}

const roleOf = (roles: string): string =>
  roles
    .split(",")
    .map((r) => roleNames[r.trim()] ?? r.trim())
    .join(", ")

const healthText: Record<Health, string> = {
  checking: "Checking…",
  ready: "Ready",
  starting: "Starting up",
  down: "Not answering"
}

/** `/`: what Parley is, where to go from here, and — on a demo node only — who to be. */
export const FrontPage = () => {
  const [about, setAbout] = useState<About | undefined>(undefined)
  const [health, setHealth] = useState<Health>("checking")
  useEffect(() => {
    fetch("/api/about")
      .then((response) => response.json() as Promise<About>)
      .then(setAbout, () => setAbout({ demo: false }))
    fetch("/readyz").then(
      (response) => setHealth(response.ok ? "ready" : "starting"),
      () => setHealth("down")
    )
  }, [])
  const demo = about?.demo === true
  const staff = (about?.identities ?? []).filter((i) => i.login !== undefined)
  const customers = (about?.identities ?? []).filter((i) => i.opaqueId !== undefined)
  return (
    <div className="front">
      <header className="front-bar">
        <span className="front-logo" aria-hidden="true">
          P
        </span>
        <span className="front-name">Parley</span>
        {demo ? <span className="front-badge">Demo</span> : null}
        <a className={`front-health ${health}`} href="/readyz" title="GET /readyz">
          <span className="dot" aria-hidden="true" /> {healthText[health]}
        </a>
      </header>
      <main className="front-main" aria-busy={about === undefined}>
        <section className="front-hero">
          <h1>Customer service over Apple Messages for Business</h1>
          <p>
            Customers chat with the business in Messages. A virtual agent answers first: it knows the customer, replaces
            a lost card, finds knowledge articles and community posts, orders from the service catalog, opens a case and
            asks for feedback. When a person is needed, it hands the chat to live agents, who get work through queues
            with presence and capacity. Every chat is kept as an interaction with its transcript.
          </p>
        </section>
        <section className="front-cards" aria-label="Where to go">
          {demo ? (
            <a className="front-card" href="/device">
              <span className="front-card-title">Customer device</span>
              <span className="front-card-text">
                Chat as Jane, Raj, Maria or a new guest on an iPhone, iPad or Mac, through the Apple simulator.
              </span>
            </a>
          ) : null}
          <a className="front-card" href="/workspace">
            <span className="front-card-title">Agent Workspace</span>
            <span className="front-card-text">Go Available, accept chats, answer with text, pickers and forms.</span>
          </a>
          <a className="front-card" href="/manager">
            <span className="front-card-title">Manager console</span>
            <span className="front-card-text">Queues, agents, interactions, feedback and the cluster.</span>
          </a>
        </section>
        {demo ? (
          <section className="front-section" aria-labelledby="identities" data-testid="demo-identities">
            <h2 id="identities">Demo identities</h2>
            <p className="front-note">
              Every demo sign-in uses the password <code className="front-password">{about?.demoPassword}</code>. They
              exist on this demo node only.
            </p>
            <div className="front-tables">
              <table>
                <caption>Sign in to the workspace or console</caption>
                <thead>
                  <tr>
                    <th scope="col">Who</th>
                    <th scope="col">Sign-in</th>
                    <th scope="col">Role</th>
                  </tr>
                </thead>
                <tbody>
                  {staff.map((i) => (
                    <tr key={i.login}>
                      <td>{i.name}</td>
                      <td>
                        <code>{i.login}</code>
                      </td>
                      <td>{roleOf(i.role)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <table>
                <caption>Be a customer on the device</caption>
                <thead>
                  <tr>
                    <th scope="col">Who</th>
                    <th scope="col">Start</th>
                  </tr>
                </thead>
                <tbody>
                  {customers.map((i) => (
                    <tr key={i.opaqueId}>
                      <td>{i.name}</td>
                      <td>
                        <a href={`/device?customer=${encodeURIComponent(i.opaqueId ?? "")}`}>Open the device</a>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}
        <section className="front-section" aria-labelledby="developers">
          <h2 id="developers">For developers and operators</h2>
          <ul className="front-links">
            <li>
              <a href="/api/openapi.json">REST API</a> <span className="front-note">OpenAPI 3.1 document</span>
            </li>
            <li>
              <a href="/api/asyncapi.json">Agent socket</a> <span className="front-note">AsyncAPI document of /ws</span>
            </li>
            <li>
              <a href="/healthz">Liveness</a> · <a href="/readyz">Readiness</a> · <a href="/metrics">Metrics</a>
            </li>
          </ul>
        </section>
      </main>
      <footer className="front-footer">Parley · open-source customer service messaging</footer>
    </div>
  )
}
