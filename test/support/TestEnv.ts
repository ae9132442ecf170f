import { randomBytes } from "node:crypto"
import { inject } from "vitest"

/** Settings for tests that talk to real servers; defaults match the CI machine. */
export const natsUrl = (): string => process.env.NATS_URL ?? "nats://127.0.0.1:4222"

/** The per-run database created by `globalSetup.ts` (dropped after the run). */
export const databaseUrl = (): string => inject("databaseUrl")

/**
 * A subject/stream/bucket prefix unique to the caller (call once per test file, or per test),
 * so suites never see each other's data and a run can repeat.
 */
export const uniquePrefix = (label = "t"): string =>
  `${label.replace(/[^A-Za-z0-9]/g, "").slice(0, 8)}${randomBytes(4).toString("hex")}`

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string
  }
}
