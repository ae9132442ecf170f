import { randomBytes } from "node:crypto"
import { Config, Effect, Option, Redacted, type Scope } from "effect"
import type { ConfigError } from "effect/ConfigError"
import type { Hono } from "hono"
import * as IdentityProvider from "../actors/conversation/IdentityProvider.ts"
import * as AppleConfig from "../apple/AppleConfig.ts"
import { demoBusinessId, demoCustomers } from "../db/seed/customers.ts"
import { demoPasswordDefault } from "../db/seed/staff.ts"
import * as HttpConfig from "../http/HttpConfig.ts"
import * as SimIdp from "../sim/SimIdp.ts"
import * as Simulator from "../sim/Simulator.ts"
import type { NodeOptions } from "./Node.ts"

const demoPassword = Config.string("PARLEY_DEMO_PASSWORD").pipe(Config.withDefault(demoPasswordDefault))

/** Where the demo simulator listens: loopback, never a setting (see `appleConfig`). */
export const simHost = "127.0.0.1"

/** The simulator's loopback port in demo mode, fixed so its URL can be written down (0 picks a free one). */
export const simPortDefault = 4010
const simPort = Config.integer("SIM_PORT").pipe(
  Config.validate({ message: "must be a port number (0 to 65535)", validation: (n) => n >= 0 && n <= 65_535 }),
  Config.withDefault(simPortDefault)
)

export interface AppleSetup {
  readonly config: AppleConfig.AppleConfigShape
  readonly identityProvider: Option.Option<IdentityProvider.IdentityProviderShape>
  /** No Apple settings: generated identity and the in-process simulator. */
  readonly demo: boolean
  readonly nodeOptions: Partial<NodeOptions>
}

export interface DemoIdentityProvider {
  /** What the node's actors use (token and userinfo URLs, client credentials). */
  readonly provider: IdentityProvider.IdentityProviderShape
  /** What the simulated Apple knows of it (as registered in Apple Business Register). */
  readonly registered: { readonly authorizeUrl: string; readonly clientId: string }
  /** The provider itself (tests mark addresses unverified and read its token requests). */
  readonly server: SimIdp.SimIdp
}

/**
 * A simulated identity provider on a loopback port of its own, with generated client credentials:
 * the node reaches it exactly as it would reach a real one.
 */
export const demoIdentityProvider: Effect.Effect<DemoIdentityProvider, never, Scope.Scope> = Effect.gen(function* () {
  const idp = yield* SimIdp.make({
    clientId: `parley-demo-${randomBytes(4).toString("hex")}`,
    clientSecret: randomBytes(24).toString("base64url")
  })
  return {
    provider: {
      tokenUrl: idp.tokenUrl,
      userinfoUrl: idp.userinfoUrl,
      clientId: idp.clientId,
      clientSecret: Redacted.make(idp.clientSecret),
      scopes: IdentityProvider.defaultScopes
    },
    registered: { authorizeUrl: idp.authorizeUrl, clientId: idp.clientId },
    server: idp
  }
})

/**
 * The Apple settings, or demo mode when none are set: generated MSP id and secret (printed), the
 * demo business id the seed links its customers under, and the Apple simulator running in this
 * process with the client pointed at it — so `npm ci && npm start` is a working system.
 */
export const appleConfig: Effect.Effect<AppleSetup, ConfigError, Scope.Scope> = Effect.gen(function* () {
  const configured = yield* AppleConfig.configuredIdentity
  const provider = yield* IdentityProvider.configured
  if (Option.isSome(configured))
    return { config: configured.value, identityProvider: provider, demo: false, nodeOptions: {} }
  const identity = yield* AppleConfig.demo()
  const tuning = yield* AppleConfig.tuning
  const idp = Option.isSome(provider) ? undefined : yield* demoIdentityProvider
  const http = yield* HttpConfig.config
  let app: Option.Option<Hono> = Option.none()
  const sim = yield* Simulator.make({
    ...(idp !== undefined ? { identityProvider: idp.registered } : {}),
    mspId: identity.mspId,
    secret: Redacted.value(identity.secret),
    businessIds: [demoBusinessId],
    // Loopback only: the control routes (`/sim/*`) drive fake customers and read every message, with no
    // sign-in of their own. Browsers reach the device through the node's `/device/api` proxy instead.
    host: simHost,
    port: yield* simPort,
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
    `demo mode: Apple simulator at ${sim.origin}, loopback only (SIM_PORT; its control routes under /sim answer only this machine); APPLE_MSP_ID=${identity.mspId} APPLE_BUSINESS_ID=${demoBusinessId} (secret generated, not printed)`
  )
  if (idp !== undefined) yield* Effect.logInfo(`demo mode: identity provider at ${idp.registered.authorizeUrl}`)
  return {
    demo: true,
    config: { ...tuning, ...identity, businessIds: [demoBusinessId], apiBase: sim.url },
    identityProvider: idp !== undefined ? Option.some(idp.provider) : provider,
    nodeOptions: {
      demo: { simulatorUrl: sim.origin, password: yield* demoPassword, simulator: sim.fetch },
      onListening: () =>
        Effect.logInfo(
          `demo mode: try it as a customer at ${http.publicUrl}/device (or npm run customer -- --as jane); start page ${http.publicUrl}/`
        ),
      onApp: (hono) => {
        app = Option.some(hono)
      }
    }
  }
})
