import { Config, Option } from "effect"

/**
 * `SEED_DEMO_DATA`: whether start-up loads the demo data (demo staff with a known password among
 * it). Unset means "only in demo mode": a node with real Apple settings never gets accounts
 * anyone can guess unless an operator asks for them here or runs `npm run db:seed`.
 */
export const seedDemoData = (demoMode: boolean): Config.Config<boolean> =>
  Config.boolean("SEED_DEMO_DATA").pipe(
    Config.option,
    Config.map(Option.getOrElse(() => demoMode)),
    Config.withDescription("Load the demo data at start-up; default only in demo mode (no APPLE_* settings)")
  )
