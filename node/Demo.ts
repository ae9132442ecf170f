import { Effect, Option, Redacted, type Scope } from "effect"
import type { ConfigError } from "effect/ConfigError"
import type { Hono } from "hono"
import * as AppleConfig from "../apple/AppleConfig.ts"
import { demoBusinessId, demoCustomers } from "../db/seed/customers.ts"
import * as Simulator from "../sim/Simulator.ts"
import type { NodeOptions } from "./Node.ts"

export interface AppleSetup {
  readonly config: AppleConfig.AppleConfigShape
  /** No Apple settings: generated identity and the in-process simulator. */
  readonly demo: boolean
  readonly nodeOptions: Partial<NodeOptions>
}

/**
 * The Apple settings, or demo mode when none are set: generated MSP id and secret (printed), the
 * demo business id the seed links its customers under, and the Apple simulator running in this
 * process with the client pointed at it — so `npm ci && npm start` is a working system.
 */
export const appleConfig: Effect.Effect<AppleSetup, ConfigError, Scope.Scope> = Effect.gen(function* () {
  const configured = yield* AppleConfig.configuredIdentity
  if (Option.isSome(configured)) return { config: configured.value, demo: false, nodeOptions: {} }
  const identity = yield* AppleConfig.demo()
  const tuning = yield* AppleConfig.tuning
  let app: Option.Option<Hono> = Option.none()
  const sim = yield* Simulator.make({
    mspId: identity.mspId,
    secret: Redacted.value(identity.secret),
    businessIds: [demoBusinessId],
    mspFetch: (request) =>
      Option.match(app, {
        onNone: () => Promise.resolve(new Response("starting", { status: 503 })),
        onSome: (hono) => Promise.resolve(hono.fetch(request))
      })
  })
  for (const customer of demoCustomers) {
    if (customer.opaqueId !== undefined) sim.customers.add({ id: customer.opaqueId, businessId: demoBusinessId })
  }
  yield* Effect.logInfo(
    `demo mode: Apple simulator at ${sim.origin}; APPLE_MSP_ID=${identity.mspId} APPLE_BUSINESS_ID=${demoBusinessId} (secret generated, not printed)`
  )
  return {
    demo: true,
    config: { ...tuning, ...identity, businessIds: [demoBusinessId], apiBase: sim.url },
    nodeOptions: {
      onApp: (hono) => {
        app = Option.some(hono)
      }
    }
  }
})
