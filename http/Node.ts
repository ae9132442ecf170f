import { Effect, Layer } from "effect"
import { Hono } from "hono"
import { Db } from "../db/Db.ts"
import { Bus } from "../runtime/Bus.ts"
import { RuntimeConfig } from "../runtime/RuntimeConfig.ts"
import * as Health from "./Health.ts"
import { HttpConfig } from "./HttpConfig.ts"
import { listen } from "./HttpServer.ts"

/**
 * One Parley node: the HTTP edge over the bus and database it is given. Logs one line per
 * component with its address, so an operator sees at a glance what this process talks to.
 */
export const layer: Layer.Layer<never, never, Bus | Db | HttpConfig | RuntimeConfig> = Layer.scopedDiscard(
  Effect.gen(function* () {
    const bus = yield* Bus
    const db = yield* Db
    const http = yield* HttpConfig
    const runtime = yield* RuntimeConfig
    yield* Effect.logInfo(`bus: ${bus.describe}`)
    yield* Effect.logInfo(`database: ${db.describe}`)
    const rt = yield* Effect.runtime<Bus | Db>()
    const app = new Hono()
    app.route("/", Health.routes(rt))
    const listening = yield* listen(app, http)
    yield* Effect.logInfo(`http: listening on ${listening.url} (node ${runtime.nodeId})`)
    yield* Effect.addFinalizer(() => Effect.logInfo("http: stopped accepting"))
  })
)
