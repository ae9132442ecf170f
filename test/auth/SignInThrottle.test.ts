import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, TestClock } from "effect"
import * as AuthConfig from "../../http/auth/AuthConfig.ts"
import { Unauthenticated } from "../../http/auth/AuthError.ts"
import { SignInThrottle, layer as throttleLayer } from "../../http/auth/SignInThrottle.ts"
import type { Bus } from "../../runtime/Bus.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as NatsBus from "../../runtime/NatsBus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { removeOnClose } from "../support/NatsCleanup.ts"
import { natsUrl, uniquePrefix } from "../support/TestEnv.ts"

const limits = { signInFailuresPerAccount: 3, signInFailuresPerAddress: 5, signInWindowSeconds: 60 }

/** One node's throttle: its own bus connection, the deployment's shared prefix. */
const nodeThrottle = (prefix: string, bus: Layer.Layer<Bus, unknown>) =>
  Layer.build(
    throttleLayer.pipe(
      Layer.provide(bus),
      Layer.provide(RuntimeConfig.layer({ subjectPrefix: prefix })),
      Layer.provide(AuthConfig.layer(limits))
    )
  ).pipe(Effect.map(Context.get(SignInThrottle)))

const wrong = Effect.fail(new Unauthenticated({ reason: "wrong login or password" }))
const right = Effect.succeed("token")

describe("sign-in throttle", () => {
  it.scoped("counts failures across nodes: three wrong passwords on one node lock the account on another", () =>
    Effect.gen(function* () {
      const prefix = uniquePrefix("throttle")
      yield* removeOnClose(prefix)
      const nats = (name: string) => NatsBus.layer({ servers: [natsUrl()], name })
      const a = yield* nodeThrottle(prefix, nats("node-a"))
      const b = yield* nodeThrottle(prefix, nats("node-b"))
      const who = { login: "ava.agent", address: "203.0.113.7" }
      for (let i = 0; i < 3; i++) yield* Effect.flip(a.guard(who, wrong))
      const refused = yield* Effect.flip(b.guard(who, right))
      assert.strictEqual(refused._tag, "Throttled")
      if (refused._tag === "Throttled") assert.isAbove(refused.retryAfterSeconds, 0)
      // The account, not everyone: another login from another address still signs in.
      assert.strictEqual(yield* b.guard({ login: "leo.agent", address: "203.0.113.8" }, right), "token")
    })
  )

  it.scoped("limits an address trying many accounts, and lets the account in again after the window", () =>
    Effect.gen(function* () {
      const node = yield* nodeThrottle(uniquePrefix("throttle"), MemoryBus.layer)
      const address = "198.51.100.9"
      for (let i = 0; i < 5; i++) yield* Effect.flip(node.guard({ login: `user${i}`, address }, wrong))
      const byAddress = yield* Effect.flip(node.guard({ login: "someone.else", address }, right))
      assert.strictEqual(byAddress._tag, "Throttled")
      const from = { login: "sam.manager", address: "192.0.2.1" }
      for (let i = 0; i < 3; i++) yield* Effect.flip(node.guard(from, wrong))
      assert.strictEqual((yield* Effect.flip(node.guard(from, right)))._tag, "Throttled")
      yield* TestClock.adjust("61 seconds")
      assert.strictEqual(yield* node.guard(from, right), "token")
    })
  )

  it.scoped("a success clears the account's failures; a server failure is not counted", () =>
    Effect.gen(function* () {
      const node = yield* nodeThrottle(uniquePrefix("throttle"), MemoryBus.layer)
      const who = { login: "jane.doe", address: "192.0.2.2" }
      for (let i = 0; i < 2; i++) yield* Effect.flip(node.guard(who, wrong))
      yield* node.guard(who, right)
      for (let i = 0; i < 2; i++) yield* Effect.flip(node.guard(who, wrong))
      for (let i = 0; i < 5; i++) yield* Effect.flip(node.guard(who, Effect.fail({ _tag: "DbError" as const })))
      assert.strictEqual(yield* node.guard(who, right), "token")
    })
  )
})
