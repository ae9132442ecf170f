import { assert, describe, it } from "@effect/vitest"
import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Effect, Schedule } from "effect"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as NatsBus from "../../runtime/NatsBus.ts"
import { call } from "../harness/isolation.ts"
import * as NatsServer from "../support/NatsServer.ts"
import { uniquePrefix } from "../support/TestEnv.ts"

const bounds = { maxBytes: 1_000_000, maxMsgs: 1_000, duplicateWindow: "1 minute" as const }

/**
 * A partition whose consumer the stream's leader refuses ("filtered consumer not unique") while
 * the cluster lists none in its way asks that leader to step down. The ghost itself cannot be made
 * on purpose; this checks the step-down does what the recovery relies on.
 */
describe("stream leader step-down", () => {
  it.scopedLive(
    "on an R3 stream another replica takes the lead; a second ask within 30 s changes nothing",
    () =>
      Effect.gen(function* () {
        const cluster = yield* NatsServer.cluster(3)
        const bus = yield* NatsBus.make({ servers: [...cluster.clientUrls], name: "step-down-test" })
        const stream = uniquePrefix("STEP")
        yield* bus.ensureStream({
          name: stream,
          subjects: [`${stream}.>`],
          retention: "workqueue",
          replicas: 3,
          ...bounds
        })

        const nc = yield* Effect.acquireRelease(
          call("connect", () => connect({ servers: [...cluster.clientUrls] })),
          (c) => Effect.promise(() => c.close())
        )
        const jsm = yield* call("jsm", () => jetstreamManager(nc))
        const leader = () =>
          call("stream info", () => jsm.streams.info(stream)).pipe(
            Effect.map((info) => info.cluster?.leader),
            Effect.filterOrFail((name): name is string => name !== undefined && name !== "")
          )
        const before = yield* leader().pipe(
          Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("10 seconds")))
        )

        yield* bus.stepDownStream(stream)
        const after = yield* leader().pipe(
          Effect.filterOrFail((name) => name !== before),
          Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("15 seconds")))
        )
        assert.notStrictEqual(after, before)

        yield* bus.stepDownStream(stream)
        yield* Effect.sleep("2 seconds")
        assert.strictEqual(yield* leader(), after)
      }),
    60_000
  )

  it.effect("the in-process bus has no other replica and says so", () =>
    Effect.gen(function* () {
      const bus = MemoryBus.make()
      yield* bus.ensureStream({ name: "S", subjects: ["s.>"], retention: "workqueue", replicas: 1, ...bounds })
      const result = yield* Effect.either(bus.stepDownStream("S"))
      assert.strictEqual(result._tag, "Left")
    })
  )
})
