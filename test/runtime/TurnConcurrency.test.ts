import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Metric } from "effect"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { ActorSystem, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as M from "../../runtime/Metrics.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { eventually, fastSettings } from "./ActorRuntimeSuite.ts"
import * as Counter from "./fixtures/CounterKind.ts"

describe("turn concurrency", () => {
  it.live(
    "a partition runs at most turnConcurrency turns at once; the other actors wait and all finish",
    () => {
      const prefix = uniquePrefix("tc")
      // Outside a transaction, so PGlite's one connection does not serialise the turns itself.
      const counter = Counter.make(`c${prefix}`, 1, { transactional: false, idleTimeout: "10 minutes" })
      const layer = systemLayer([counter.erased], { ...fastSettings, turnConcurrency: 2 }).pipe(
        Layer.provideMerge(
          Layer.mergeAll(
            MemoryBus.layer,
            PgliteDb.layerMemory,
            RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a" })
          )
        )
      )
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        Counter.slowTurns.max = 0
        const ids = Array.from({ length: 6 }, (_, i) => `${prefix}-${i}`)
        for (const id of ids) yield* system.tell(counter.protocol, id, Counter.Slow.make({ n: 1, millis: 150 }))
        const handled = Metric.value(Metric.tagged(M.messagesHandled, "kind", counter.protocol.name))
        yield* eventually(handled, (c) => c.count >= ids.length, "six slow turns")
        assert.strictEqual(Counter.slowTurns.max, 2)
        for (const id of ids) {
          assert.deepStrictEqual(yield* system.ask(counter.protocol, id, new Counter.GetValues()), [1])
        }
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    60_000
  )
})
