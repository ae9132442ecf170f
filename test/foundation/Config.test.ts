import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option, Redacted } from "effect"
import * as DbConfig from "../../db/DbConfig.ts"
import * as HttpConfig from "../../http/HttpConfig.ts"
import * as ConfigProblem from "../../runtime/ConfigProblem.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"

const withEnv = (env: Record<string, string>) =>
  Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

describe("configuration", () => {
  it.effect("has a default for every setting", () =>
    Effect.gen(function* () {
      const runtime = yield* RuntimeConfig.config.pipe(withEnv({}))
      const db = yield* DbConfig.config.pipe(withEnv({}))
      const http = yield* HttpConfig.config.pipe(withEnv({}))
      assert.isTrue(Option.isNone(runtime.natsServers))
      assert.strictEqual(runtime.subjectPrefix, "parley")
      assert.strictEqual(runtime.streamReplicas, 1)
      assert.isTrue(Option.isNone(db.databaseUrl))
      assert.strictEqual(db.pgliteDir, "./.data/pglite")
      assert.strictEqual(http.port, 3000)
      assert.strictEqual(http.publicUrl, "http://localhost:3000")
    })
  )

  it.effect("reads overrides, lists NATS servers and keeps the database URL redacted", () =>
    Effect.gen(function* () {
      const env = {
        NATS_URL: "nats://a:4222, nats://b:4222",
        SUBJECT_PREFIX: "acme",
        STREAM_REPLICAS: "3",
        NODE_ID: "node-7",
        DATABASE_URL: "postgres://u:secret@db:5432/parley",
        PORT: "8080"
      }
      const runtime = yield* RuntimeConfig.config.pipe(withEnv(env))
      const db = yield* DbConfig.config.pipe(withEnv(env))
      const http = yield* HttpConfig.config.pipe(withEnv(env))
      assert.deepStrictEqual(Option.getOrThrow(runtime.natsServers), ["nats://a:4222", "nats://b:4222"])
      assert.strictEqual(runtime.streamReplicas, 3)
      assert.strictEqual(runtime.nodeId, "node-7")
      const url = Option.getOrThrow(db.databaseUrl)
      assert.strictEqual(Redacted.value(url), env.DATABASE_URL)
      assert.notInclude(String(url), "secret")
      assert.strictEqual(http.port, 8080)
    })
  )

  it.effect("names the bad setting in one line", () =>
    Effect.gen(function* () {
      const portError = yield* Effect.flip(HttpConfig.config.pipe(withEnv({ PORT: "eighty" })))
      const port = ConfigProblem.describe(portError)
      assert.match(port, /^PORT: /)
      assert.notInclude(port, "\n")
      const replicas = ConfigProblem.describe(
        yield* Effect.flip(RuntimeConfig.config.pipe(withEnv({ STREAM_REPLICAS: "2" })))
      )
      assert.strictEqual(replicas, "STREAM_REPLICAS: must be 1, 3 or 5")
      const nats = ConfigProblem.describe(
        yield* Effect.flip(RuntimeConfig.config.pipe(withEnv({ NATS_URL: "http://x" })))
      )
      assert.match(nats, /^NATS_URL: must be nats:\/\//)
      const db = ConfigProblem.describe(
        yield* Effect.flip(DbConfig.config.pipe(withEnv({ DATABASE_URL: "mysql://root@x/db" })))
      )
      assert.match(db, /^DATABASE_URL: /)
      assert.notInclude(db, "root@x")
    })
  )

  it.effect("STREAM_MAX_MSGS and STREAM_MAX_BYTES bound the actor streams, with defaults, and must be positive", () =>
    Effect.gen(function* () {
      const unset = yield* RuntimeConfig.config.pipe(withEnv({}))
      assert.strictEqual(unset.streamMaxMsgs, 1_000_000)
      assert.strictEqual(unset.streamMaxBytes, 256 * 1024 * 1024)
      const set = yield* RuntimeConfig.config.pipe(withEnv({ STREAM_MAX_MSGS: "200", STREAM_MAX_BYTES: "1048576" }))
      assert.strictEqual(set.streamMaxMsgs, 200)
      assert.strictEqual(set.streamMaxBytes, 1_048_576)
      for (const [name, value] of [
        ["STREAM_MAX_MSGS", "0"],
        ["STREAM_MAX_MSGS", "-5"],
        ["STREAM_MAX_BYTES", "0"]
      ] as const) {
        const problem = yield* Effect.flip(RuntimeConfig.config.pipe(withEnv({ [name]: value })))
        assert.strictEqual(ConfigProblem.describe(problem), `${name}: must be a positive integer`)
      }
      const notANumber = yield* Effect.flip(RuntimeConfig.config.pipe(withEnv({ STREAM_MAX_BYTES: "1.5" })))
      assert.match(ConfigProblem.describe(notANumber), /^STREAM_MAX_BYTES: /)
    })
  )

  it.effect("STREAM_HIGH_WATER is the share of those bounds where publishers stop, above 0 and at most 1", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* RuntimeConfig.config.pipe(withEnv({}))).streamHighWater, 0.9)
      assert.strictEqual(
        (yield* RuntimeConfig.config.pipe(withEnv({ STREAM_HIGH_WATER: "0.02" }))).streamHighWater,
        0.02
      )
      for (const value of ["0", "1.5", "-0.1"]) {
        const problem = yield* Effect.flip(RuntimeConfig.config.pipe(withEnv({ STREAM_HIGH_WATER: value })))
        assert.strictEqual(ConfigProblem.describe(problem), "STREAM_HIGH_WATER: must be above 0 and at most 1")
      }
    })
  )
})
