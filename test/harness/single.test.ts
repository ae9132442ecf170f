import { existsSync } from "node:fs"
import { assert, describe, it } from "@effect/vitest"
import { jetstream, jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Effect, Exit, Scope } from "effect"
import * as NatsServer from "../support/NatsServer.ts"
import { call } from "./isolation.ts"

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("single nats-server harness", () => {
  it.scopedLive("keeps its port and store across SIGKILL + restart, and is gone after scope close", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const server = yield* NatsServer.single().pipe(Scope.extend(scope))
      const firstPid = server.pid
      assert.isDefined(firstPid)

      const publishOne = (body: string) =>
        Effect.acquireUseRelease(
          call("connect", () => connect({ servers: server.clientUrl })),
          (nc) =>
            Effect.gen(function* () {
              const jsm = yield* call("jsm", () => jetstreamManager(nc))
              yield* call("add stream", () => jsm.streams.add({ name: "S", subjects: ["s.>"] }))
              yield* call("publish", () => jetstream(nc).publish("s.x", body))
              return (yield* call("info", () => jsm.streams.info("S"))).state.messages
            }),
          (nc) => Effect.promise(() => nc.close())
        )

      assert.strictEqual(yield* publishOne("before"), 1)
      yield* server.kill("SIGKILL")
      assert.isUndefined(server.pid)
      yield* server.restart()
      assert.isDefined(server.pid)
      assert.notStrictEqual(server.pid, firstPid)
      // File storage in the same store dir: the first message survived the crash.
      assert.strictEqual(yield* publishOne("after"), 2)

      const pid = server.pid ?? -1
      yield* Scope.close(scope, Exit.void)
      assert.isFalse(alive(pid))
      assert.isFalse(existsSync(server.storeDir))
    })
  )

  it.scopedLive("fails with one clear message when nats-server is missing", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(NatsServer.single({ searchPath: ["/nonexistent"] }))
      assert.strictEqual(error._tag, "NatsServerMissing")
      assert.strictEqual(error.message, "nats-server not on PATH: apt-get install nats-server, or set NATS_URL")
    })
  )
})
