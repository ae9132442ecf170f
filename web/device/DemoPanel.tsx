import { useState } from "react"
import type { WireCustomer, WireViolation } from "../../sim/SimControlWire.ts"
import * as Api from "./api.ts"
import { clock } from "./format.ts"

/**
 * The demo's side panel: who this device is, what it tells Parley it can show, leaving the
 * conversation (Apple's `close`), and every violation the simulator recorded — things Parley did
 * that Apple would have refused.
 */
export const DemoPanel = ({
  name,
  guest,
  customer,
  violations,
  onSwitch
}: {
  readonly name: string
  /** A guest signs in with the e-mail chosen for it; the demo customers are known already. */
  readonly guest: boolean
  readonly customer: WireCustomer
  readonly violations: ReadonlyArray<WireViolation>
  readonly onSwitch: () => void
}) => {
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const leave = () => {
    if (
      !window.confirm(
        "Delete this conversation? Parley is told you left and may not message you until you write again."
      )
    )
      return
    Api.close(customer.id).then(
      () => setProblem(undefined),
      (error: unknown) => setProblem(error instanceof Error ? error.message : "Not delivered.")
    )
  }
  return (
    <aside className="demo-panel" aria-label="Demo">
      <h2 className="demo-title">Demo</h2>
      <dl className="demo-facts">
        <div>
          <dt>Customer</dt>
          <dd>{name}</dd>
        </div>
        <div>
          <dt>Device</dt>
          <dd>
            {customer.device === "iphone" ? "iPhone" : customer.device === "ipad" ? "iPad" : "Mac"} ·{" "}
            <span className="muted">{customer.deviceAgent}</span>
          </dd>
        </div>
        <div>
          <dt>Capability list</dt>
          <dd className="capability-tags" data-testid="capabilities">
            {customer.capabilities.length === 0 ? <span className="muted">none: text only</span> : null}
            {customer.capabilities.map((c) => (
              <code key={c}>{c}</code>
            ))}
          </dd>
        </div>
        {guest ? (
          <div>
            <dt>Signs in as</dt>
            <dd>{customer.email}</dd>
          </div>
        ) : null}
        <div>
          <dt>Conversation</dt>
          <dd>{customer.closed ? "Deleted (close sent)" : "Open"}</dd>
        </div>
      </dl>
      <div className="demo-actions">
        <button type="button" className="secondary-button" onClick={leave} disabled={customer.closed}>
          Leave conversation
        </button>
        <button type="button" className="secondary-button" onClick={onSwitch}>
          Switch customer
        </button>
      </div>
      {problem !== undefined ? (
        <p className="chat-problem" role="alert">
          {problem}
        </p>
      ) : null}
      <section className="violations" aria-labelledby="violations-title">
        <h3 id="violations-title">
          Simulator violations{" "}
          <span className={violations.length === 0 ? "badge ok" : "badge bad"} data-testid="violation-count">
            {violations.length}
          </span>
        </h3>
        {violations.length === 0 ? (
          <p className="muted">None: everything Parley sent is what Apple accepts.</p>
        ) : (
          <ul className="violation-list">
            {violations.map((v) => (
              <li key={`${v.at}-${v.rule}-${v.messageId ?? ""}`}>
                <span className="violation-rule">{v.rule}</span>{" "}
                <span className="muted">
                  {clock(v.at)} · answered {v.status}
                </span>
                <span className="violation-detail">{v.detail}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </aside>
  )
}
