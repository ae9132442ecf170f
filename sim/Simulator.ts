import { Effect, ExecutionStrategy, Exit, Scope } from "effect"
import { Hono } from "hono"
import * as SimControl from "./SimControl.ts"
import { type CustomerOptions, type Deliver, SimCustomer } from "./SimCustomer.ts"
import * as SimGateway from "./SimGateway.ts"
import * as SimMmcs from "./SimMmcs.ts"
import { serveSim } from "./SimServer.ts"
import { type SimSettings, SimState, type Violation } from "./SimState.ts"

export interface SimulatorOptions extends Partial<Omit<SimSettings, "mspId" | "secret" | "businessIds">> {
  readonly mspId: string
  readonly secret: string
  readonly businessIds: ReadonlyArray<string>
  /** Base URL of the MSP; webhooks go to `<mspUrl>/message`. */
  readonly mspUrl?: string
  /** In-process alternative to `mspUrl` (e.g. `app.request` of a Hono app). */
  readonly mspFetch?: Deliver
  readonly host?: string
  readonly port?: number
  /** The identity provider the business registered with Apple (authorize URL and client id). */
  readonly identityProvider?: { readonly authorizeUrl: string; readonly clientId: string }
}

export interface Simulator {
  /** Gateway base to configure as `APPLE_API_BASE` (ends in `/v1`). */
  readonly url: string
  /** Root of the simulator (upload and download URLs, control routes). */
  readonly origin: string
  readonly customers: {
    readonly add: (options?: CustomerOptions) => SimCustomer
    readonly get: (id: string) => SimCustomer | undefined
    readonly all: () => ReadonlyArray<SimCustomer>
  }
  /** Everything the MSP did that Apple would refuse; tests assert it stays empty. */
  readonly violations: () => ReadonlyArray<Violation>
  readonly clearViolations: () => void
  /** Answer `status` to the next `times` calls of `/v1/<path>` (`message`, `preUpload`, …), with `Retry-After` if given. */
  readonly failNext: (path: string, status: number, times?: number, retryAfterSeconds?: number) => void
  /** Answer `status` to every send to this customer (`undefined` restores normal service). */
  readonly setCustomerStatus: (customerId: string, status: number | undefined) => void
  readonly state: SimState
  /** Answers a request to the simulator in process (demo mode's device page goes through it). */
  readonly fetch: (request: Request) => Promise<Response>
  /** Stops serving (also done when the surrounding scope closes). */
  readonly close: Effect.Effect<void>
}

/** The fake Apple side: builds the Hono app without serving it (for `app.request`). */
export const makeApp = (state: SimState, customers: ReadonlyMap<string, SimCustomer>): Hono => {
  const app = new Hono()
  SimGateway.routes(app, state, customers)
  SimMmcs.routes(app, state)
  app.get("/sim/violations", (c) => c.json(state.violations))
  return app
}

/** Serves the simulator on loopback until the scope closes. */
export const make = (options: SimulatorOptions): Effect.Effect<Simulator, never, Scope.Scope> =>
  Effect.gen(function* () {
    const state = new SimState({
      mspId: options.mspId,
      secret: options.secret,
      businessIds: options.businessIds,
      skewSeconds: options.skewSeconds ?? 300,
      closedStatus: options.closedStatus ?? 404,
      downloadTtlMs: options.downloadTtlMs ?? 60_000,
      resendAttempts: options.resendAttempts ?? 3,
      resendDelayMs: options.resendDelayMs ?? 500
    })
    state.identityProvider = options.identityProvider
    const customers = new Map<string, SimCustomer>()
    const app = makeApp(state, customers)
    const scope = yield* Scope.fork(yield* Effect.scope, ExecutionStrategy.sequential)
    const server = yield* serveSim(app, { host: options.host ?? "127.0.0.1", port: options.port ?? 0 }).pipe(
      Scope.extend(scope)
    )
    state.baseUrl = server.url
    const mspUrl = options.mspUrl?.replace(/\/+$/, "")
    const deliver: Deliver =
      options.mspFetch ??
      ((request) =>
        mspUrl === undefined
          ? Promise.resolve(new Response("no MSP configured", { status: 502 }))
          : fetch(new Request(`${mspUrl}/message`, request), { signal: AbortSignal.timeout(30_000) }).catch(
              () => new Response("MSP unreachable", { status: 599 })
            ))
    const customersApi = {
      add: (customerOptions: CustomerOptions = {}) => {
        const customer = new SimCustomer(state, deliver, customerOptions)
        customers.set(customer.id, customer)
        return customer
      },
      get: (id: string) => customers.get(id),
      all: () => Array.from(customers.values())
    }
    SimControl.routes(app, customersApi, state)
    return {
      url: `${server.url}/v1`,
      origin: server.url,
      customers: customersApi,
      violations: () => [...state.violations],
      clearViolations: () => {
        state.violations.length = 0
      },
      failNext: (path, status, times = 1, retryAfterSeconds) => {
        state.failures.push({
          path,
          status,
          remaining: times,
          ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {})
        })
      },
      setCustomerStatus: (customerId, status) => {
        if (status === undefined) state.customerStatus.delete(customerId)
        else state.customerStatus.set(customerId, status)
      },
      state,
      fetch: (request) => Promise.resolve(app.fetch(request)),
      close: Scope.close(scope, Exit.void)
    } satisfies Simulator
  })
