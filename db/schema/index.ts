/** Every table, for drizzle-kit and the typed `Db`. One file per area. */
export * from "./probe.ts"
export * from "./runtime.ts"
