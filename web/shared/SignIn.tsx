import { type FormEvent, useEffect, useState } from "react"
import { api } from "./api.ts"
import { type Session, signIn } from "./session.ts"

interface Identity {
  readonly name: string
  readonly login?: string
  readonly role: string
}

interface About {
  readonly demo: boolean
  readonly demoPassword?: string
  readonly identities?: ReadonlyArray<Identity>
}

/**
 * The sign-in card (400 px, centred). On a demo node it lists the demo people who may use this
 * page and fills their login and password with one click; a real node lists nobody.
 */
export const SignIn = ({
  title,
  roles,
  onSignedIn
}: {
  readonly title: string
  /** Which demo identities to offer (by role name). */
  readonly roles: ReadonlyArray<string>
  readonly onSignedIn: (session: Session) => void
}) => {
  const [login, setLogin] = useState("")
  const [password, setPassword] = useState("")
  const [error, setError] = useState<string | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const [about, setAbout] = useState<About | undefined>(undefined)
  useEffect(() => {
    api<About>("/about").then(setAbout, () => setAbout(undefined))
  }, [])
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setBusy(true)
    setError(undefined)
    signIn(login.trim(), password).then(onSignedIn, (e: Error) => {
      setError(e.message.charAt(0).toUpperCase() + e.message.slice(1))
      setBusy(false)
    })
  }
  const people = (about?.identities ?? []).filter((i) => i.login !== undefined && roles.some((r) => i.role.includes(r)))
  return (
    <main className="signin">
      <form className="card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            P
          </span>
          <h1 id="signin-title">{title}</h1>
        </div>
        <label className="field">
          Login
          <input
            name="login"
            autoComplete="username"
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            required
          />
        </label>
        <label className="field">
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        {error !== undefined ? (
          <p className="error-line" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
        {about?.demo === true && people.length > 0 ? (
          <section aria-label="Demo identities" className="demo-list">
            <p className="meta">Demo node — sign in as:</p>
            {people.map((p) => (
              <button
                key={p.login}
                type="button"
                onClick={() => {
                  setLogin(p.login ?? "")
                  setPassword(about.demoPassword ?? "")
                }}
              >
                <span>{p.name}</span>
                <span className="caption">{p.login}</span>
              </button>
            ))}
          </section>
        ) : null}
      </form>
    </main>
  )
}
