import { assert, describe, it } from "@effect/vitest"
import { jetstream, jetstreamManager, type StreamInfo } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Effect, Schedule } from "effect"
import * as NatsServer from "../support/NatsServer.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { call } from "./isolation.ts"

describe("NATS cluster harness", () => {
  it.scopedLive(
    "an R3 stream keeps accepting publishes after its leader is SIGKILLed, and the server rejoins",
    () =>
      Effect.gen(function* () {
        const cluster = yield* NatsServer.cluster(3)
        assert.strictEqual(new Set(cluster.servers.map((s) => s.name)).size, 3)

        const nc = yield* Effect.acquireRelease(
          call("connect", () =>
            connect({ servers: [...cluster.clientUrls], maxReconnectAttempts: -1, reconnectTimeWait: 200 })
          ),
          (c) => Effect.promise(() => c.close())
        )
        const jsm = yield* call("jsm", () => jetstreamManager(nc))
        const js = jetstream(nc)
        const stream = uniquePrefix("R3")
        yield* call("add stream", () => jsm.streams.add({ name: stream, subjects: [`${stream}.>`], num_replicas: 3 }))
        for (let i = 1; i <= 5; i++) {
          const ack = yield* call("publish", () => js.publish(`${stream}.x`, `m${i}`, { msgID: `m${i}` }))
          assert.strictEqual(ack.seq, i)
        }

        const info = (): Effect.Effect<StreamInfo, unknown> => call("stream info", () => jsm.streams.info(stream))
        const leaderName = (yield* info()).cluster?.leader
        const leader = cluster.servers.find((s) => s.name === leaderName)
        assert.isDefined(leader, `stream leader ${leaderName} is one of ours`)
        yield* leader.kill("SIGKILL")
        assert.isUndefined(leader.pid)

        // The msgID makes retries idempotent while a new leader is elected (seen here: ~2-5 s).
        const ack = yield* call("publish after kill", () =>
          js.publish(`${stream}.x`, "after-kill", { msgID: "after-kill", timeout: 1_000 })
        ).pipe(Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("20 seconds"))))
        assert.strictEqual(ack.seq, 6)
        assert.isFalse(ack.duplicate)

        const during = yield* info()
        assert.notStrictEqual(during.cluster?.leader, leader.name)
        assert.strictEqual(during.state.messages, 6)

        // restart() waits until it follows a meta leader; its replica of the stream catches up after.
        yield* leader.restart()
        assert.isDefined(leader.pid)
        const rejoined = yield* info().pipe(
          Effect.filterOrFail(
            (i) => i.cluster?.replicas?.some((r) => r.name === leader.name && r.current && !r.offline) === true,
            (i) => `${leader.name} not current yet: ${JSON.stringify(i.cluster)}`
          ),
          Effect.retry(Schedule.spaced("200 millis").pipe(Schedule.upTo("30 seconds")))
        )
        assert.strictEqual(rejoined.state.messages, 6)
      }),
    60_000
  )
})
