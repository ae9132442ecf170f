import { assert, it } from "@effect/vitest"
import { and, eq } from "drizzle-orm"
import { Duration, Effect, Layer, Schedule } from "effect"
import type { Db } from "../../db/Db.ts"
import { Db as DbTag } from "../../db/Db.ts"
import { deadLetters, processedTurns } from "../../db/schema/runtime.ts"
import { ActorSystem, type SystemSettings, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import type { Bus } from "../../runtime/Bus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import * as Counter from "./fixtures/CounterKind.ts"

export interface RuntimeSuiteOptions {
  readonly label: string
  /** A bus shared by the "nodes" a test starts one after the other (restart tests). */
  readonly bus: () => Layer.Layer<Bus, unknown>
  readonly db: () => Layer.Layer<Db, unknown>
  /** Deletes what the test made on the bus when it ends (streams reserve server storage). */
  readonly cleanup: (prefix: string) => Layer.Layer<never>
  /** PGlite has one connection, so transactions (and the turns inside them) run one at a time. */
  readonly concurrentTransactions: boolean
}

export const fastSettings: Partial<SystemSettings> = {
  audit: true,
  streamMaxBytes: 8 * 1024 * 1024,
  ackWait: "1 second",
  timerInterval: "100 millis",
  sweepInterval: "300 millis",
  lease: { renewEvery: 1_000, suspectAfter: 4_000, retryAcquireEvery: 200, hungAfter: 15_000 },
  leaseTtl: "5 seconds"
}

/** Polls `check` until it holds (bounded), so tests wait on state, not on fixed sleeps. */
export const eventually = <A, E, R>(effect: Effect.Effect<A, E, R>, check: (a: A) => boolean, what: string) =>
  effect.pipe(
    Effect.filterOrFail(check, () => new Error(`still waiting: ${what}`)),
    // Generous: a loaded 2-core CI machine runs two test files at once.
    Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.upTo("90 seconds")))
  )

export const runtimeSuite = (options: RuntimeSuiteOptions) => {
  const setup = (overrides: Partial<SystemSettings> = {}, kindOptions = {}) => {
    const prefix = uniquePrefix("rt")
    const counter = Counter.make(`c${prefix}`, 4, kindOptions)
    const infra = Layer.mergeAll(
      options.cleanup(prefix),
      options.bus(),
      options.db(),
      RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a" })
    )
    const system = systemLayer([counter.erased], { ...fastSettings, ...overrides })
    return { prefix, counter, infra, system, tableKind: `${prefix}/${counter.protocol.name}` }
  }

  const values = (counter: ReturnType<typeof Counter.make>, id: string) =>
    Effect.flatMap(ActorSystem, (s) => s.ask(counter.protocol, id, new Counter.GetValues()))

  const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

  it.live(
    `${options.label}: 200 messages to one actor arrive in order`,
    () => {
      const { counter, infra, system } = setup()
      return Effect.gen(function* () {
        const sys = yield* ActorSystem
        for (const n of range(200)) yield* sys.tell(counter.protocol, "solo", Counter.Add.make({ n }))
        const seen = yield* eventually(values(counter, "solo"), (v) => v.length === 200, "200 values")
        assert.deepStrictEqual(seen, range(200))
      }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
    },
    240_000
  )

  it.live(
    `${options.label}: 1,000 messages over 100 actors, each in order, actors concurrent`,
    () => {
      const { counter, infra, system } = setup()
      return Effect.gen(function* () {
        const sys = yield* ActorSystem
        const ids = range(100).map((i) => `actor ${i}.x*`)
        yield* Effect.forEach(
          ids,
          (id) => Effect.forEach(range(10), (n) => sys.tell(counter.protocol, id, Counter.Add.make({ n }))),
          { concurrency: 20 }
        )
        for (const id of ids) {
          const seen = yield* eventually(values(counter, id), (v) => v.length === 10, `${id} values`)
          assert.deepStrictEqual(seen, range(10))
        }
        // 20 actors each sleeping 300 ms in a turn finish far sooner than 20 × 300 ms.
        const started = Date.now()
        yield* Effect.forEach(range(20), (i) =>
          sys.tell(counter.protocol, `slow-${i}`, Counter.Slow.make({ n: 1, millis: 300 }))
        )
        yield* Effect.forEach(range(20), (i) =>
          eventually(values(counter, `slow-${i}`), (v) => v.length === 1, `slow-${i}`)
        )
        const elapsed = Date.now() - started
        if (options.concurrentTransactions) {
          assert.isBelow(elapsed, 3_000, `20 slow turns took ${elapsed} ms: actors did not run concurrently`)
        }
      }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
    },
    240_000
  )

  it.live(`${options.label}: a duplicate de-dup id is stored once`, () => {
    const { counter, infra, system } = setup()
    return Effect.gen(function* () {
      const sys = yield* ActorSystem
      const first = yield* sys.tell(counter.protocol, "dup", Counter.Add.make({ n: 1 }), { msgId: "apple-1" })
      const again = yield* sys.tell(counter.protocol, "dup", Counter.Add.make({ n: 1 }), { msgId: "apple-1" })
      yield* sys.tell(counter.protocol, "dup", Counter.Add.make({ n: 2 }), { msgId: "apple-2" })
      assert.isFalse(first.duplicate)
      assert.isTrue(again.duplicate)
      assert.strictEqual(again.seq, first.seq)
      assert.deepStrictEqual(yield* eventually(values(counter, "dup"), (v) => v.length >= 2, "values"), [1, 2])
    }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
  })

  it.live(`${options.label}: a turn failing twice then succeeding is retried in place`, () => {
    const { counter, infra, system } = setup()
    return Effect.gen(function* () {
      const sys = yield* ActorSystem
      yield* sys.tell(counter.protocol, "flaky", Counter.Flaky.make({ n: 1, failures: 2 }))
      yield* sys.tell(counter.protocol, "flaky", Counter.Add.make({ n: 2 }))
      assert.deepStrictEqual(yield* eventually(values(counter, "flaky"), (v) => v.length === 2, "values"), [1, 2])
      assert.strictEqual(Counter.attempts.get("flaky:1"), 3)
    }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
  })

  it.live(`${options.label}: a poison message is dead-lettered and the actor goes on`, () => {
    const { counter, infra, system, tableKind } = setup()
    return Effect.gen(function* () {
      const sys = yield* ActorSystem
      yield* sys.tell(counter.protocol, "victim", Counter.Add.make({ n: 1 }))
      yield* sys.tell(counter.protocol, "victim", Counter.Poison.make({}))
      yield* sys.tell(counter.protocol, "victim", Counter.Add.make({ n: 3 }))
      assert.deepStrictEqual(yield* eventually(values(counter, "victim"), (v) => v.length === 2, "values"), [1, 3])
      const db = yield* DbTag
      const rows = yield* eventually(
        db.use("test", (d) =>
          d
            .select()
            .from(deadLetters)
            .where(and(eq(deadLetters.kind, tableKind), eq(deadLetters.actorId, "victim")))
        ),
        (r) => r.length === 1,
        "dead letter row"
      )
      assert.strictEqual(rows[0]?.attempts, 4)
      assert.include(rows[0]?.cause ?? "", "poison")
    }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
  })

  it.live(`${options.label}: asks answer with typed successes and failures`, () => {
    const { counter, infra, system } = setup()
    return Effect.gen(function* () {
      const sys = yield* ActorSystem
      assert.deepStrictEqual(yield* values(counter, "fresh"), [])
      const failed = yield* Effect.flip(sys.ask(counter.protocol, "fresh", new Counter.Explode()))
      assert.strictEqual(failed, "explode refused")
    }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
  })

  it.live(`${options.label}: tells from a turn go through the outbox`, () => {
    const { counter, infra, system } = setup()
    return Effect.gen(function* () {
      const sys = yield* ActorSystem
      yield* sys.tell(counter.protocol, "sender", Counter.Forward.make({ to: "receiver", n: 7 }))
      assert.deepStrictEqual(yield* eventually(values(counter, "receiver"), (v) => v.length === 1, "values"), [7])
    }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
  })

  it.live(`${options.label}: a timer fires after the node restarts`, () => {
    const { counter, infra, system } = setup()
    return Effect.gen(function* () {
      // First node: schedule, then stop before the timer is due.
      yield* Effect.scoped(
        Effect.gen(function* () {
          const sys = yield* ActorSystem
          yield* sys.tell(counter.protocol, "sleeper", Counter.Remind.make({ n: 9, afterMillis: 1_500 }))
          yield* eventually(values(counter, "sleeper"), (v) => v.length === 0, "scheduled")
          yield* Effect.sleep(Duration.millis(200))
        }).pipe(Effect.provide(system))
      )
      // Second node, same bus and database.
      yield* Effect.scoped(
        Effect.gen(function* () {
          const seen = yield* eventually(values(counter, "sleeper"), (v) => v.length === 1, "timer fired")
          assert.deepStrictEqual(seen, [9])
        }).pipe(Effect.provide(system))
      )
    }).pipe(Effect.provide(infra))
  })

  it.live(`${options.label}: every committed turn is recorded under its epoch`, () => {
    const { counter, infra, system, tableKind } = setup()
    return Effect.gen(function* () {
      const sys = yield* ActorSystem
      for (const n of range(5)) yield* sys.tell(counter.protocol, "audited", Counter.Add.make({ n }))
      yield* eventually(values(counter, "audited"), (v) => v.length === 5, "values")
      const db = yield* DbTag
      const rows = yield* db.use("test", (d) =>
        d
          .select()
          .from(processedTurns)
          .where(and(eq(processedTurns.kind, tableKind), eq(processedTurns.actorId, "audited")))
      )
      assert.strictEqual(rows.length, 5)
      assert.strictEqual(new Set(rows.map((r) => r.epoch)).size, 1)
      assert.isTrue(rows.every((r) => r.node === "node-a"))
    }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
  })
}
