import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Metric } from "effect"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { ActorSystem, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import * as ConfigProblem from "../../runtime/ConfigProblem.ts"
import { LiveActors, type Resident } from "../../runtime/internal/liveActors.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as M from "../../runtime/Metrics.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { eventually, fastSettings } from "./ActorRuntimeSuite.ts"
import * as Counter from "./fixtures/CounterKind.ts"

/** A stand-in actor for the registry alone: busy or idle as the test says, records its passivation. */
const resident = (name: string, dropped: Array<string>) => {
  const r = {
    name,
    idle: true,
    passivate: () => {
      dropped.push(name)
      live.forget(r)
    }
  }
  let live: LiveActors
  return { r, bind: (l: LiveActors) => (live = l) }
}

const residents = (cap: number, names: ReadonlyArray<string>) => {
  const dropped: Array<string> = []
  const live = new LiveActors(cap)
  const made = names.map((n) => resident(n, dropped))
  for (const m of made) m.bind(live)
  const byName = new Map(made.map((m) => [m.r.name, m.r] as const))
  const get = (n: string): Resident & { idle: boolean } => {
    const found = byName.get(n)
    if (found === undefined) throw new Error(`no resident ${n}`)
    return found
  }
  return { live, dropped, get }
}

describe("live actors cap (registry)", () => {
  it("passivates the least recently used idle actors when one more is admitted", () => {
    const { live, dropped, get } = residents(3, ["a", "b", "c", "d", "e"])
    for (const n of ["a", "b", "c"]) live.admit(get(n))
    live.touch(get("a"))
    live.admit(get("d"))
    assert.deepStrictEqual(dropped, ["b"])
    live.admit(get("e"))
    assert.deepStrictEqual(dropped, ["b", "c"])
    assert.strictEqual(live.size, 3)
  })

  it("never passivates a busy actor; the cap is caught up once it is idle", () => {
    const { live, dropped, get } = residents(2, ["busy", "x", "y"])
    get("busy").idle = false
    live.admit(get("busy"))
    get("x").idle = false
    live.admit(get("x"))
    live.admit(get("y"))
    // Over the cap with two busy actors: only the idle newcomer can go.
    assert.deepStrictEqual(dropped, ["y"])
    get("y").idle = false
    live.admit(get("y"))
    assert.strictEqual(live.size, 3)
    get("busy").idle = true
    live.trim()
    assert.deepStrictEqual(dropped, ["y", "busy"])
    assert.strictEqual(live.size, 2)
  })

  it("does not bring back an actor that was already forgotten", () => {
    const { live, get } = residents(5, ["a"])
    live.admit(get("a"))
    live.forget(get("a"))
    live.touch(get("a"))
    assert.strictEqual(live.size, 0)
  })
})

describe("live actors cap (setting)", () => {
  const withEnv = (env: Record<string, string>) =>
    Effect.withConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env))))

  it.effect("MAX_LIVE_ACTORS sets the cap, with a default, and must be positive", () =>
    Effect.gen(function* () {
      assert.strictEqual((yield* RuntimeConfig.config.pipe(withEnv({}))).maxLiveActors, 20_000)
      assert.strictEqual((yield* RuntimeConfig.config.pipe(withEnv({ MAX_LIVE_ACTORS: "500" }))).maxLiveActors, 500)
      const problem = yield* Effect.flip(RuntimeConfig.config.pipe(withEnv({ MAX_LIVE_ACTORS: "0" })))
      assert.strictEqual(ConfigProblem.describe(problem), "MAX_LIVE_ACTORS: must be a positive integer")
    })
  )
})

const kindSetup = (cap: number, partitions: number) => {
  const prefix = uniquePrefix("cap")
  const counter = Counter.make(`c${prefix}`, partitions, { idleTimeout: "10 minutes" })
  const name = counter.protocol.name
  // PGlite runs one transaction at a time, so under load a turn can wait past a short ack wait;
  // the redelivery would then reactivate an evicted actor and miscount activations.
  const layer = systemLayer([counter.erased], { ...fastSettings, ackWait: "30 seconds" }).pipe(
    Layer.provideMerge(
      Layer.mergeAll(
        MemoryBus.layer,
        PgliteDb.layerMemory,
        RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a", maxLiveActors: cap })
      )
    )
  )
  const handled = Metric.tagged(M.messagesHandled, "kind", name)
  const metrics = {
    handled: Metric.value(handled).pipe(Effect.map((c) => c.count)),
    live: Metric.value(Metric.tagged(M.activeActors, "kind", name)).pipe(Effect.map((g) => g.value)),
    byCap: Metric.value(Metric.tagged(M.passivations, "kind", name).pipe(Metric.tagged("reason", "cap"))).pipe(
      Effect.map((c) => c.count)
    )
  }
  const id = (n: string) => `${prefix}-${n}`
  return { counter, layer, metrics, id }
}

describe("live actors cap (runtime)", () => {
  it.live(
    "evicts the least recently used idle actors past the cap; they come back with their state",
    () => {
      const { counter, layer, metrics, id } = kindSetup(3, 2)
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        let sent = 0
        const add = (who: string, n: number) =>
          Effect.gen(function* () {
            yield* system.tell(counter.protocol, id(who), Counter.Add.make({ n }))
            sent++
            yield* eventually(metrics.handled, (c) => c >= sent, `turn ${sent}`)
          })
        for (const who of ["a", "b", "c"]) yield* add(who, 1)
        assert.strictEqual(yield* metrics.live, 3)
        assert.strictEqual(yield* metrics.byCap, 0)

        // A fourth actor: the least recently used idle one (a) leaves memory.
        yield* add("d", 1)
        yield* eventually(metrics.byCap, (c) => c === 1, "one passivation by the cap")
        assert.strictEqual(yield* metrics.live, 3)

        // a comes back from its stored state, pushing out b, now the least recently used.
        yield* add("a", 2)
        yield* eventually(metrics.byCap, (c) => c === 2, "two passivations by the cap")
        assert.strictEqual(yield* metrics.live, 3)
        assert.strictEqual(Counter.activations.get(id("a")), 2)
        assert.strictEqual(Counter.activations.get(id("c")), 1)
        assert.strictEqual(Counter.activations.get(id("d")), 1)
        const values = yield* system.ask(counter.protocol, id("a"), new Counter.GetValues())
        assert.deepStrictEqual(values, [1, 2])
        // The ask activated nothing new for a; b is out of memory and reactivates on demand.
        assert.strictEqual(Counter.activations.get(id("a")), 2)
        assert.deepStrictEqual(yield* system.ask(counter.protocol, id("b"), new Counter.GetValues()), [1])
        assert.strictEqual(Counter.activations.get(id("b")), 2)
        assert.strictEqual(yield* metrics.live, 3)
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    60_000
  )

  it.live(
    "an actor with queued messages is never evicted, even over the cap",
    () => {
      const { counter, layer, metrics, id } = kindSetup(1, 1)
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        // One partition, so the dispatcher sees these in this order: busy's mailbox holds slow
        // messages behind the running one when the other actor arrives, and one more after it.
        for (const n of [1, 2, 3])
          yield* system.tell(counter.protocol, id("busy"), Counter.Slow.make({ n, millis: 150 }))
        yield* system.tell(counter.protocol, id("other"), Counter.Add.make({ n: 1 }))
        yield* system.tell(counter.protocol, id("busy"), Counter.Add.make({ n: 4 }))
        yield* eventually(metrics.handled, (c) => c >= 5, "all five turns")
        // Activated once for all four turns: it was never dropped while it had work.
        assert.strictEqual(Counter.activations.get(id("busy")), 1)
        assert.strictEqual(Counter.activations.get(id("other")), 1)
        // Once both are idle, the cap is caught up: exactly one of them left memory.
        yield* eventually(metrics.live, (n) => n === 1, "back under the cap")
        assert.strictEqual(yield* metrics.byCap, 1)
        assert.deepStrictEqual(yield* system.ask(counter.protocol, id("busy"), new Counter.GetValues()), [1, 2, 3, 4])
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    60_000
  )
})
