import { Cause, Config, type ConfigError, Effect, Exit, Layer, Option } from "effect"
import type { Db } from "../Db.ts"
import * as DbConfig from "../DbConfig.ts"
import type { DbError } from "../DbError.ts"
import * as PgliteDb from "../PgliteDb.ts"
import * as PostgresDb from "../PostgresDb.ts"
import { demoBusinessId } from "./customers.ts"
import { seedIfEmpty } from "./seed.ts"
import { demoPasswordDefault } from "./staff.ts"

/**
 * `npm run db:seed`: adds the demo data to the database the app uses (DATABASE_URL, else the PGlite
 * folder PGLITE_DIR), migrating it first. Safe to run again.
 */
const options = Config.all({
  businessIds: Config.string("APPLE_BUSINESS_ID").pipe(
    Config.map((s) =>
      s
        .split(",")
        .map((id) => id.trim())
        .filter((id) => id.length > 0)
    ),
    Config.withDefault([demoBusinessId]),
    Config.withDescription("Apple business ids to link the demo customers' opaque ids under")
  ),
  demoPassword: Config.string("PARLEY_DEMO_PASSWORD").pipe(
    Config.withDefault(demoPasswordDefault),
    Config.withDescription("Password of every demo user (demo data only)")
  )
})

const database: Layer.Layer<Db, DbError | ConfigError.ConfigError> = Layer.unwrapEffect(
  Effect.map(DbConfig.config, (config) =>
    Option.match(config.databaseUrl, {
      onNone: () => PgliteDb.layer(config.pgliteDir),
      onSome: (url) => PostgresDb.layer(url, 2)
    })
  )
)

const program = Effect.gen(function* () {
  const added = yield* seedIfEmpty(yield* options)
  const total = Object.values(added).reduce((a, b) => a + b, 0)
  yield* Effect.log(total === 0 ? "demo data already present; nothing added" : "demo data added").pipe(
    Effect.annotateLogs(added)
  )
})

Effect.runPromiseExit(program.pipe(Effect.provide(database))).then((exit) => {
  if (Exit.isFailure(exit)) {
    console.error(Cause.pretty(exit.cause))
    process.exitCode = 1
  }
})
