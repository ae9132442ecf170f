import { Config, Context, Layer, Option, type Redacted } from "effect"
import type { ConfigError } from "effect/ConfigError"

export interface DbConfigShape {
  /** PostgreSQL URL; none means the embedded PGlite database. Redacted: it may hold a password. */
  readonly databaseUrl: Option.Option<Redacted.Redacted<string>>
  readonly pgliteDir: string
  readonly poolSize: number
}

export class DbConfig extends Context.Tag("parley/db/DbConfig")<DbConfig, DbConfigShape>() {}

export const defaults: DbConfigShape = {
  databaseUrl: Option.none(),
  pgliteDir: "./.data/pglite",
  poolSize: 10
}

export const config: Config.Config<DbConfigShape> = Config.all({
  databaseUrl: Config.option(
    Config.redacted(
      Config.string("DATABASE_URL").pipe(
        Config.validate({
          message: "must be a postgres:// or postgresql:// URL",
          validation: (url) => /^postgres(ql)?:\/\/[^\s]+$/.test(url)
        })
      )
    ).pipe(Config.withDescription("PostgreSQL URL; unset = embedded PGlite in PGLITE_DIR"))
  ),
  pgliteDir: Config.string("PGLITE_DIR").pipe(
    Config.withDefault(defaults.pgliteDir),
    Config.withDescription("Folder of the embedded PGlite database (used when DATABASE_URL is unset)")
  ),
  poolSize: Config.integer("DB_POOL_SIZE").pipe(
    Config.validate({ message: "must be between 1 and 200", validation: (n) => n >= 1 && n <= 200 }),
    Config.withDefault(defaults.poolSize),
    Config.withDescription("PostgreSQL connections per node")
  )
})

export const layer = (overrides: Partial<DbConfigShape> = {}): Layer.Layer<DbConfig> =>
  Layer.succeed(DbConfig, { ...defaults, ...overrides })

export const layerFromEnv: Layer.Layer<DbConfig, ConfigError> = Layer.effect(DbConfig, config)
