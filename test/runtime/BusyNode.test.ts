import { assert, it } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import * as PostgresDb from "../../db/PostgresDb.ts"
import { render } from "../../http/Metrics.ts"
import { ActorSystem, defaultSettings, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import { partitionOf } from "../../runtime/Address.ts"
import * as NatsBus from "../../runtime/NatsBus.ts"
import * as NodeLoad from "../../runtime/NodeLoad.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { removeOnClose } from "../support/NatsCleanup.ts"
import { databaseUrl, natsUrl, uniquePrefix } from "../support/TestEnv.ts"
import { eventually } from "./ActorRuntimeSuite.ts"
import * as Counter from "./fixtures/CounterKind.ts"

/**
 * Busy is not dead: a CPU hog in the node's own process keeps its event loop late by about 2 s,
 * again and again, for almost four lease TTLs (production lease settings, real NATS). The node measures
 * the delay, sheds load, and keeps every lease: the same partitions under the same epochs after.
 */

const PARTITIONS = 8
/** Each block of the hog: past the shedding threshold (1 s), inside the lease's margin (4 - 1 = 3 s). */
const BLOCK_MS = 2_000
const HOG_MS = 15_000

const busyWait = (millis: number) => {
  const until = performance.now() + millis
  while (performance.now() < until) {
    // Spin: the event loop gets nothing until the block ends.
  }
}

it.live(
  "a node whose event loop a CPU hog keeps 2 s late keeps its leases and epochs, and sheds load meanwhile",
  () => {
    const prefix = uniquePrefix("busy")
    const counter = Counter.make(`c${prefix}`, PARTITIONS)
    const infra = Layer.mergeAll(
      Layer.scopedDiscard(removeOnClose(prefix)),
      NatsBus.layer({ servers: [natsUrl()], name: "busy-node-test" }),
      PostgresDb.layer(Redacted.make(databaseUrl()), 10),
      RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "busy-node" }),
      NodeLoad.layer()
    )
    const system = systemLayer([counter.erased], { streamMaxBytes: 8 * 1024 * 1024 })
    return Effect.gen(function* () {
      const sys = yield* ActorSystem
      const load = yield* NodeLoad.NodeLoad
      assert.strictEqual(defaultSettings.leaseTtl, "4 seconds")
      const before = yield* eventually(sys.owned, (o) => o.length === PARTITIONS, "every partition to be held")
      // Every partition consuming, not only leased: a consumer still being created when the hog
      // starts times out (nats.js fires a request's timer before reading its late reply) and the
      // partition starts over under a new epoch. What is measured is the leases of a running node.
      for (let partition = 0; partition < PARTITIONS; partition++) {
        let id = `warm-${partition}`
        for (let n = 0; partitionOf(id, PARTITIONS) !== partition; n++) id = `warm-${partition}-${n}`
        yield* sys.tell(counter.protocol, id, Counter.Add.make({ n: 1 }))
        yield* eventually(sys.ask(counter.protocol, id, new Counter.GetValues()), (v) => v.length === 1, `${id} warm`)
      }
      let shedSeen = false
      let worstDelay = 0
      const started = Date.now()
      while (Date.now() - started < HOG_MS) {
        busyWait(BLOCK_MS)
        // One short turn of the event loop between blocks: timers, sockets, then the next block.
        yield* Effect.sleep("5 millis")
        worstDelay = Math.max(worstDelay, load.delay())
        shedSeen ||= Option.isSome(load.shedding())
      }
      assert.isAbove(worstDelay, BLOCK_MS * 0.8, "the hog made the event loop late")
      assert.isTrue(shedSeen, "the node shed load while late")
      const metrics = yield* render
      assert.match(metrics, /parley_event_loop_delay_seconds\{quantile="max"\} [0-9.]+/)
      assert.match(metrics, /parley_load_shedding /)
      // The node still works, and nothing moved: same partitions, same epochs.
      yield* sys.tell(counter.protocol, "after-hog", Counter.Add.make({ n: 1 }))
      const values = yield* eventually(
        sys.ask(counter.protocol, "after-hog", new Counter.GetValues()),
        (v) => v.length === 1,
        "a turn after the hog"
      )
      assert.deepStrictEqual(values, [1])
      const after = yield* sys.owned
      const byKey = (owned: typeof before) =>
        [...owned].map((o) => `${o.kind}.${o.partition}@${o.epoch}`).sort((a, b) => a.localeCompare(b))
      assert.deepStrictEqual(byKey(after), byKey(before))
      // Back under half the threshold, the node takes work again.
      yield* eventually(
        Effect.sync(() => load.shedding()),
        Option.isNone,
        "shedding to stop"
      )
    }).pipe(Effect.provide(system), Effect.provide(infra), Effect.scoped)
  },
  120_000
)
