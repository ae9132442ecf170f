import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, LogLevel } from "effect"
import * as LogConfig from "../../node/LogConfig.ts"
import * as ConfigProblem from "../../runtime/ConfigProblem.ts"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("LOG_LEVEL and LOG_FORMAT", () => {
  it.effect("default to info and logfmt", () =>
    Effect.gen(function* () {
      const log = yield* LogConfig.config.pipe(withEnv({}))
      assert.strictEqual(log.level, LogLevel.Info)
      assert.strictEqual(log.format, "logfmt")
    })
  )

  it.effect("accept the usual names of each level, in any case", () =>
    Effect.gen(function* () {
      const cases: ReadonlyArray<readonly [string, LogLevel.LogLevel]> = [
        ["debug", LogLevel.Debug],
        ["INFO", LogLevel.Info],
        ["warn", LogLevel.Warning],
        ["Warning", LogLevel.Warning],
        ["err", LogLevel.Error],
        ["error", LogLevel.Error],
        ["fatal", LogLevel.Fatal],
        ["off", LogLevel.None]
      ]
      for (const [raw, expected] of cases) {
        const log = yield* LogConfig.config.pipe(withEnv({ LOG_LEVEL: raw }))
        assert.strictEqual(log.level, expected, raw)
      }
      assert.strictEqual((yield* LogConfig.config.pipe(withEnv({ LOG_FORMAT: "json" }))).format, "json")
    })
  )

  it.effect("refuse an unknown level with one line naming the setting", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(LogConfig.config.pipe(withEnv({ LOG_LEVEL: "loud" })))
      const line = ConfigProblem.describe(error)
      assert.match(line, /^LOG_LEVEL: expected one of .*warn.*, got "loud"$/)
    })
  )
})
