import { parseArgs } from "node:util"
import { Effect, Layer } from "effect"
import { make } from "./Simulator.ts"

/**
 * `tsx sim/main.ts --port 4010 --msp-url http://127.0.0.1:3000 --customers 1`: a standalone fake
 * Apple gateway. Identity comes from the same variables as Parley's (APPLE_MSP_ID,
 * APPLE_MSP_SECRET, APPLE_BUSINESS_ID); violations are listed at GET /sim/violations.
 */
const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.SIM_PORT ?? "4010" },
    host: { type: "string", default: process.env.SIM_HOST ?? "127.0.0.1" },
    "msp-url": { type: "string", default: process.env.SIM_MSP_URL ?? "http://127.0.0.1:3000" },
    customers: { type: "string", default: "1" }
  }
})

const required = (name: string): string => {
  const value = process.env[name]
  if (value === undefined || value.length === 0) throw new Error(`${name} must be set (the same value Parley uses)`)
  return value
}

const program = Effect.gen(function* () {
  const sim = yield* make({
    mspId: required("APPLE_MSP_ID"),
    secret: required("APPLE_MSP_SECRET"),
    businessIds: required("APPLE_BUSINESS_ID")
      .split(",")
      .map((s) => s.trim()),
    mspUrl: values["msp-url"],
    host: values.host,
    port: Number(values.port)
  })
  const customers = Array.from({ length: Number(values.customers) }, () => sim.customers.add())
  yield* Effect.logInfo(`Apple simulator at ${sim.url}`).pipe(
    Effect.annotateLogs({ msp: values["msp-url"], customers: customers.map((c) => c.id).join(" ") })
  )
  return yield* Effect.never
})

Layer.launch(Layer.scopedDiscard(program)).pipe(Effect.runFork)
