import { useEffect, useState } from "react"
import type { WireDevice, WireDeviceProfile } from "../../sim/SimControlWire.ts"
import type { About } from "./about.ts"
import * as Api from "./api.ts"

const allCapabilities = ["QUICK", "LIST", "TIME", "AUTH2", "FORM"] as const
const capabilityNames: Record<(typeof allCapabilities)[number], string> = {
  QUICK: "Quick replies",
  LIST: "List pickers",
  TIME: "Time pickers",
  AUTH2: "Sign in with the business (AUTH2)",
  FORM: "Forms"
}

/**
 * Who to be: one of the demo customers the seed links to an Apple id (on an iPhone), or a new guest
 * on the device of one's choice with that device's capability list, any of which can be turned off.
 */
export const Chooser = ({ about, onChosen }: { readonly about: About; readonly onChosen: (id: string) => void }) => {
  const [profiles, setProfiles] = useState<ReadonlyArray<WireDeviceProfile>>([])
  const [device, setDevice] = useState<WireDevice>("iphone")
  const [capabilities, setCapabilities] = useState<ReadonlyArray<string>>([])
  const [email, setEmail] = useState("tom.becker@example.com")
  const [problem, setProblem] = useState<string | undefined>(undefined)
  useEffect(() => {
    Api.devices().then(
      (list) => {
        setProfiles(list)
        setCapabilities(list.find((p) => p.device === "iphone")?.capabilities ?? [])
      },
      () => setProblem("The simulated device is not reachable. Is this Parley in demo mode?")
    )
  }, [])
  const profile = profiles.find((p) => p.device === device)
  const start = (options: Parameters<typeof Api.open>[0]) =>
    Api.open(options).then(
      (customer) => onChosen(customer.id),
      (error: unknown) => setProblem(error instanceof Error ? error.message : "Could not open the device.")
    )
  const customers = (about.identities ?? []).filter((i) => i.opaqueId !== undefined)
  return (
    <main className="chooser">
      <header className="chooser-header">
        <a href="/" className="chooser-home">
          Parley
        </a>
        <h1>Customer device</h1>
        <p>
          Chat with Parley as a customer would in Messages. Every message crosses Apple's simulated gateway with a
          signed token.
        </p>
      </header>
      {problem !== undefined ? (
        <p className="chooser-problem" role="alert">
          {problem}
        </p>
      ) : null}
      <section className="chooser-section" aria-labelledby="known">
        <h2 id="known">Demo customers</h2>
        <div className="chooser-cards">
          {customers.map((c) => (
            <button
              type="button"
              key={c.opaqueId}
              className="chooser-card"
              onClick={() => {
                if (c.opaqueId !== undefined) void start({ id: c.opaqueId, device: "iphone" })
              }}
            >
              <span className="avatar" aria-hidden="true">
                {c.name
                  .split(" ")
                  .map((p) => p[0])
                  .join("")}
              </span>
              <span className="chooser-card-name">{c.name}</span>
              <span className="chooser-card-detail">iPhone · Parley knows this Apple ID</span>
            </button>
          ))}
        </div>
      </section>
      <section className="chooser-section" aria-labelledby="guest">
        <h2 id="guest">New guest</h2>
        <div className="guest-form">
          <fieldset className="segmented">
            <legend>Device</legend>
            {profiles.map((p) => (
              <label key={p.device} className={p.device === device ? "segment on" : "segment"}>
                <input
                  type="radio"
                  name="device"
                  value={p.device}
                  checked={p.device === device}
                  onChange={() => {
                    setDevice(p.device)
                    setCapabilities(p.capabilities)
                  }}
                />
                {p.name}
              </label>
            ))}
          </fieldset>
          <fieldset className="capabilities">
            <legend>What this device can show (capability list)</legend>
            {allCapabilities.map((cap) => {
              const supported = profile?.capabilities.includes(cap) === true
              return (
                <label key={cap} className={supported ? "capability" : "capability unsupported"}>
                  <input
                    type="checkbox"
                    disabled={!supported}
                    checked={capabilities.includes(cap)}
                    onChange={(e) =>
                      setCapabilities(e.target.checked ? [...capabilities, cap] : capabilities.filter((c) => c !== cap))
                    }
                  />
                  <code>{cap}</code> {capabilityNames[cap]}
                  {supported ? null : <span className="capability-note"> — not on a {profile?.name}</span>}
                </label>
              )
            })}
            {profile !== undefined && profile.cannot.length > 0 ? (
              <p className="capability-note">
                A {profile.name} cannot show {profile.cannot.join(" or ")}.
              </p>
            ) : null}
          </fieldset>
          <label className="form-field">
            <span className="form-label">Signs in (AUTH2) as</span>
            <input className="form-input" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <button
            type="button"
            className="primary-button"
            onClick={() => void start({ device, capabilities, email })}
            disabled={profile === undefined}
          >
            Start as a guest on {profile?.name ?? "…"}
          </button>
        </div>
      </section>
    </main>
  )
}
