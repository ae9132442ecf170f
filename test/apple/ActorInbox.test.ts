import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as AppleConfig from "../../apple/AppleConfig.ts"
import * as ActorInbox from "../../http/apple/ActorInbox.ts"
import * as AppleWebhook from "../../http/apple/AppleWebhook.ts"
import { ActorSystem, type ActorSystemShape } from "../../runtime/ActorSystem.ts"
import { BusError, BusTimeout } from "../../runtime/Bus.ts"
import { customerId, makeIdentity, webhook } from "./support.ts"

/** An actor system whose stream never acknowledges: what the edge sees while NATS is down. */
const unavailable = (failure: "timeout" | "error"): Layer.Layer<ActorSystem> =>
  Layer.succeed(ActorSystem, {
    node: "test",
    tell: (_target, id) =>
      failure === "timeout"
        ? Effect.fail(new BusTimeout({ operation: "publishDurable", subject: id }))
        : Effect.fail(new BusError({ operation: "publishDurable", message: "connection closed" })),
    ask: () => Effect.die("not used"),
    events: () => Effect.void,
    owned: Effect.succeed([]),
    cluster: Effect.die("not used"),
    members: Effect.die("not used")
  } satisfies ActorSystemShape)

describe("the webhook over the durable inbox", () => {
  const identity = makeIdentity()
  for (const failure of ["timeout", "error"] as const) {
    it.live(`answers 503 with Retry-After when the bus gives no acknowledgement (${failure})`, () =>
      Effect.gen(function* () {
        const app = yield* AppleWebhook.make
        const response = yield* Effect.promise(() =>
          Effect.runPromise(webhook(identity, customerId())).then((request) => app.request(request))
        )
        assert.strictEqual(response.status, 503)
        assert.strictEqual(response.headers.get("retry-after"), "5")
        const body = yield* Effect.promise(() => response.json() as Promise<{ code: string }>)
        assert.isString(body.code)
      }).pipe(
        Effect.provide(ActorInbox.layer()),
        Effect.provide(Layer.merge(unavailable(failure), AppleConfig.layer(identity)))
      )
    )
  }
})
