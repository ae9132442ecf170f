import { useState } from "react"
import type { WireReceived, WireReply } from "../../sim/SimControlWire.ts"
import { Sheet } from "./Sheet.tsx"

/**
 * "Sign In to …": the business's identity provider page, mocked. Sign In makes the simulator's
 * provider issue a code to Parley's redirect URI for this e-mail, then the device answers
 * "You Signed In"; Cancel answers "Authentication failed".
 */
export const AuthSheet = ({
  entry,
  email,
  onAnswer,
  onCancel
}: {
  readonly entry: WireReceived
  readonly email: string
  readonly onAnswer: (reply: WireReply, email: string) => void
  readonly onCancel: () => void
}) => {
  const [who, setWho] = useState(email)
  return (
    <Sheet title={entry.title ?? "Sign In"} onCancel={() => onAnswer({ kind: "authenticate", succeed: false }, who)}>
      <form
        className="auth-page"
        onSubmit={(e) => {
          e.preventDefault()
          onAnswer({ kind: "authenticate", succeed: true }, who)
        }}
      >
        <div className="auth-logo" aria-hidden="true">
          P
        </div>
        <h3 className="auth-title">Parley sign-in</h3>
        <p className="auth-text">The business's sign-in page (the demo identity provider).</p>
        <label className="form-field">
          <span className="form-label">E-mail</span>
          <input className="form-input" type="email" value={who} onChange={(e) => setWho(e.target.value)} />
        </label>
        <label className="form-field">
          <span className="form-label">Password</span>
          <input className="form-input" type="password" defaultValue="demo" autoComplete="off" />
        </label>
        <button type="submit" className="primary-button wide">
          Sign In
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          Not now
        </button>
      </form>
    </Sheet>
  )
}
