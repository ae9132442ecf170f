import { createNodeWebSocket } from "@hono/node-ws"
import { Effect, Layer, Option } from "effect"
import { Hono } from "hono"
import * as SessionReaper from "../actors/agent/SessionReaper.ts"
import type { AttachmentConfig } from "../actors/attachments/AttachmentConfig.ts"
import * as SignInState from "../actors/conversation/SignInState.ts"
import { type ActorServices, kinds } from "../actors/Kinds.ts"
import { PublicLinks } from "../actors/PublicLinks.ts"
import * as AppleClient from "../apple/AppleClient.ts"
import { AppleConfig } from "../apple/AppleConfig.ts"
import { Db } from "../db/Db.ts"
import { seedIfEmpty } from "../db/seed/seed.ts"
import * as Api from "../http/api/Api.ts"
import * as ActorInbox from "../http/apple/ActorInbox.ts"
import type { AppleInbox } from "../http/apple/AppleInbox.ts"
import * as AppleWebhook from "../http/apple/AppleWebhook.ts"
import type { AuthConfig } from "../http/auth/AuthConfig.ts"
import * as Authenticator from "../http/auth/Authenticator.ts"
import * as SessionTokens from "../http/auth/SessionTokens.ts"
import * as SignInThrottle from "../http/auth/SignInThrottle.ts"
import * as Health from "../http/Health.ts"
import { HttpConfig, originOf } from "../http/HttpConfig.ts"
import { describeListening, type Listening, listen } from "../http/HttpServer.ts"
import { shedWhenBusy } from "../http/LoadShedding.ts"
import * as Metrics from "../http/Metrics.ts"
import * as CallbackGuard from "../http/pages/CallbackGuard.ts"
import * as DeviceProxy from "../http/pages/DeviceProxy.ts"
import * as Pages from "../http/pages/Pages.ts"
import * as WebPages from "../http/pages/WebPages.ts"
import * as Site from "../http/Site.ts"
import * as AgentSocket from "../http/ws/AgentSocket.ts"
import { maxFrameBytes } from "../http/ws/Protocol.ts"
import * as SocketSettings from "../http/ws/SocketSettings.ts"
import { type ActorSystem, layer as actorSystemLayer, type SystemSettings } from "../runtime/ActorSystem.ts"
import { Bus } from "../runtime/Bus.ts"
import * as NodeLoad from "../runtime/NodeLoad.ts"
import { ObjectStore } from "../runtime/ObjectStore.ts"
import { RuntimeConfig } from "../runtime/RuntimeConfig.ts"

export interface NodeOptions {
  /** Load the demo data (default false: only demo mode, `SEED_DEMO_DATA` or a test asks for it). */
  readonly seed: boolean
  readonly runtime: Partial<SystemSettings>
  /** Called with the app before it serves (demo mode hands it to the in-process simulator). */
  readonly onApp: (app: Hono) => void
  readonly onListening: (listening: Listening) => Effect.Effect<void>
  /** Demo mode: the simulated device and the demo password, which the pages may show. */
  readonly demo: Site.DemoSite
}

type EdgeServices =
  | Bus
  | ObjectStore
  | AttachmentConfig
  | Db
  | AppleConfig
  | AppleInbox
  | ActorSystem
  | HttpConfig
  | RuntimeConfig
  | Authenticator.Authenticator
  | Site.Site
  | SignInThrottle.SignInThrottle
  | NodeLoad.NodeLoad

const edge = (options: Partial<NodeOptions>) =>
  Layer.scopedDiscard(
    Effect.gen(function* () {
      const bus = yield* Bus
      const db = yield* Db
      const http = yield* HttpConfig
      const runtime = yield* RuntimeConfig
      const apple = yield* AppleConfig
      const load = yield* NodeLoad.NodeLoad
      yield* Effect.logInfo(`bus: ${bus.describe}`)
      yield* Effect.logInfo(`database: ${db.describe}`)
      yield* Effect.logInfo(`files: ${(yield* ObjectStore).describe}`)
      yield* Effect.logInfo(`apple: ${apple.apiBase} for business ${apple.businessIds.join(", ")}`)
      const rt = yield* Effect.runtime<EdgeServices>()
      const app = new Hono()
      app.route("/", Health.routes(rt))
      app.route("/", Metrics.routes(http.metricsToken))
      // Before the webhook's own checks: a busy node refuses at the cost of a header write.
      app.post("/message", shedWhenBusy(load, "webhook"))
      app.route("/", AppleWebhook.fromRuntime(rt))
      const callbackGuard = yield* CallbackGuard.make(bus, {
        prefix: runtime.subjectPrefix,
        replicas: runtime.streamReplicas,
        perMinute: 30,
        stateTtlMs: SignInState.lifetimeMs
      })
      app.route("/", Pages.routes(rt, callbackGuard, http.trustedProxyHops))
      app.route("/api", Api.routes(rt))
      // Before the pages: `/device/*` is the device page's HTML, `/device/api/*` its way to the simulator.
      if (options.demo?.simulator !== undefined) app.route("/", DeviceProxy.routes(options.demo.simulator))
      app.route("/", WebPages.routes())
      const sockets = createNodeWebSocket({ app })
      // `ws` buffers frames of up to 100 MiB by default; nothing in the protocol needs more than its limit.
      sockets.wss.options.maxPayload = maxFrameBytes
      const agentSocket = AgentSocket.make(rt, sockets.upgradeWebSocket, {
        allowedOrigins: [originOf(http.publicUrl), ...http.allowedOrigins],
        trustedProxyHops: http.trustedProxyHops
      })
      app.route("/", agentSocket.app)
      options.onApp?.(app)
      yield* SessionReaper.start({
        offlineAfterMs: SocketSettings.load().offlineAfterMs,
        checkEvery: SessionReaper.defaultCheckEvery
      })
      const listening = yield* listen(app, http, sockets.injectWebSocket)
      // Sockets first: an open WebSocket would hold up the HTTP server's close.
      yield* Effect.addFinalizer(() => agentSocket.close)
      yield* Effect.logInfo(`http: listening on ${describeListening(listening)} (node ${runtime.nodeId})`)
      yield* Effect.addFinalizer(() => Effect.logInfo("http: stopped accepting"))
      if (options.onListening !== undefined) yield* options.onListening(listening)
    })
  )

/** The actors' links point at this node's public URL. */
const publicLinks = Layer.effect(
  PublicLinks,
  Effect.map(HttpConfig, (http) => ({ baseUrl: http.publicUrl }))
)

/** Demo users get the password the pages show (`PARLEY_DEMO_PASSWORD`) when this is a demo node. */
const seeded = (enabled: boolean, demo: Site.DemoSite | undefined) =>
  Layer.effectDiscard(
    enabled
      ? Effect.flatMap(Db, () => seedIfEmpty(demo === undefined ? {} : { demoPassword: demo.password })).pipe(
          Effect.tap((report) => Effect.logInfo("demo data", report)),
          Effect.orDie
        )
      : Effect.void
  )

/**
 * One Parley node: the actor runtime with every kind, the Apple edge (webhook in, client out)
 * and the HTTP routes. Logs one line per component with its address.
 */
export const layer = (
  options: Partial<NodeOptions> = {}
): Layer.Layer<
  ActorSystem | AppleClient.AppleClient | NodeLoad.NodeLoad,
  unknown,
  | Bus
  | Db
  | HttpConfig
  | RuntimeConfig
  | AppleConfig
  | AuthConfig
  | Exclude<ActorServices, AppleClient.AppleClient | PublicLinks>
> =>
  edge(options).pipe(
    Layer.provide(ActorInbox.layer()),
    Layer.provide(Authenticator.layer.pipe(Layer.provide(SessionTokens.layer))),
    Layer.provide(SignInThrottle.layer),
    Layer.provideMerge(actorSystemLayer(kinds, options.runtime ?? {})),
    Layer.provideMerge(AppleClient.layer),
    Layer.provideMerge(seeded(options.seed ?? false, options.demo)),
    Layer.provide(publicLinks),
    Layer.provide(Site.layer(Option.fromNullable(options.demo))),
    Layer.provideMerge(
      Layer.unwrapEffect(
        Effect.map(RuntimeConfig, (config) =>
          NodeLoad.layer({ ...NodeLoad.defaults, shedAbove: config.shedLoopDelayMs })
        )
      )
    )
  )
