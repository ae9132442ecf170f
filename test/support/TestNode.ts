import { Context, Effect, Layer, Option, Redacted, type Scope } from "effect"
import * as AttachmentConfig from "../../actors/attachments/AttachmentConfig.ts"
import * as IdentityProvider from "../../actors/conversation/IdentityProvider.ts"
import type { AppleClient } from "../../apple/AppleClient.ts"
import * as AppleConfig from "../../apple/AppleConfig.ts"
import type { Db } from "../../db/Db.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import * as PostgresDb from "../../db/PostgresDb.ts"
import { demoBusinessId } from "../../db/seed/customers.ts"
import { demoPasswordDefault } from "../../db/seed/staff.ts"
import * as AuthConfig from "../../http/auth/AuthConfig.ts"
import * as HttpConfig from "../../http/HttpConfig.ts"
import { demoIdentityProvider } from "../../node/Demo.ts"
import * as Node from "../../node/Node.ts"
import type { ActorSystem, SystemSettings } from "../../runtime/ActorSystem.ts"
import type { Bus } from "../../runtime/Bus.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as MemoryObjectStore from "../../runtime/MemoryObjectStore.ts"
import * as NatsBus from "../../runtime/NatsBus.ts"
import * as NatsObjectStore from "../../runtime/NatsObjectStore.ts"
import type { ObjectStore } from "../../runtime/ObjectStore.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import type { SimIdp } from "../../sim/SimIdp.ts"
import * as Simulator from "../../sim/Simulator.ts"
import { removeOnClose } from "./NatsCleanup.ts"
import { freePort } from "./ports.ts"
import { freshDatabase } from "./TestDatabase.ts"
import { natsUrl, uniquePrefix } from "./TestEnv.ts"

export interface TestNodeOptions {
  /** `nats` + `postgres` (a fresh database of its own) is the production shape; `memory` + `pglite` the embedded default. */
  readonly infra: "nats" | "embedded"
  /** Load the demo data (Jane Doe and friends); default true. */
  readonly seed?: boolean
  readonly runtime?: Partial<SystemSettings>
  /** Apple settings beyond the identity (e.g. custom iMessage apps). */
  readonly apple?: Partial<AppleConfig.AppleConfigShape>
  /** Run as a demo node (the pages show the demo identities and the device); default false. */
  readonly demo?: boolean
  /** Attachment settings (e.g. a small size cap). */
  readonly attachments?: Partial<AttachmentConfig.AttachmentConfigShape>
}

export interface TestNode {
  /** Base URL of the node's HTTP edge (`POST /message`, `/healthz`, …). */
  readonly url: string
  /** The Apple simulator the node talks to; its customers post signed webhooks to `url`. */
  readonly sim: Simulator.Simulator
  readonly businessId: string
  /** The identity provider sign-ins go to, a server of its own. */
  readonly idp: SimIdp

  /** The node's services, for assertions (`Db`), direct tells (`ActorSystem`), its session key (`AuthConfig`) and its files (`ObjectStore`). */
  readonly context: Context.Context<
    ActorSystem | AppleClient | Db | Bus | AppleConfig.AppleConfig | AuthConfig.AuthConfig | ObjectStore
  >
}

const fast: Partial<SystemSettings> = {
  streamMaxBytes: 8 * 1024 * 1024,
  timerInterval: "200 millis",
  sweepInterval: "500 millis",
  // Production lease timing: PGlite's start-up can block the event loop for seconds under load.
  lease: { renewEvery: 5_000, suspectAfter: 12_000, retryAcquireEvery: 200, hungAfter: 15_000 },
  leaseTtl: "15 seconds"
}

/**
 * A whole Parley node for end-to-end tests: the real HTTP edge on a free loopback port, the actor
 * runtime with every kind, a database of its own (seeded), and the Apple simulator delivering
 * webhooks over HTTP. Everything stops when the scope closes.
 */
export const start = (options: TestNodeOptions): Effect.Effect<TestNode, unknown, Scope.Scope> =>
  Effect.gen(function* () {
    const prefix = uniquePrefix("e2e")
    if (options.infra === "nats") yield* removeOnClose(prefix)
    const identity = yield* AppleConfig.demo()
    // A known port before start-up: links and the sign-in redirect carry the public URL.
    const port = yield* freePort
    let nodeUrl: Option.Option<string> = Option.none()
    const idp = yield* demoIdentityProvider
    const sim = yield* Simulator.make({
      identityProvider: idp.registered,
      mspId: identity.mspId,
      secret: Redacted.value(identity.secret),
      businessIds: [demoBusinessId],
      mspFetch: (request) =>
        Option.match(nodeUrl, {
          onNone: () => Promise.resolve(new Response("node not listening yet", { status: 503 })),
          onSome: (url) => fetch(new Request(`${url}/message`, request))
        })
    })
    const db =
      options.infra === "nats" ? PostgresDb.layer(Redacted.make(yield* freshDatabase("e2e")), 10) : PgliteDb.layerMemory
    const bus: Layer.Layer<Bus, unknown> =
      options.infra === "nats" ? NatsBus.layer({ servers: [natsUrl()], name: "parley-e2e" }) : MemoryBus.layer
    const objects: Layer.Layer<ObjectStore, unknown> =
      options.infra === "nats"
        ? NatsObjectStore.layer({ servers: [natsUrl()], name: "parley-e2e", bucket: `${prefix}_files`, replicas: 1 })
        : MemoryObjectStore.layer
    const infra = Layer.mergeAll(
      bus,
      db,
      RuntimeConfig.layer({
        subjectPrefix: prefix,
        nodeId: "e2e-node",
        // The test's own customers, sockets and browser share this node's event loop: a late loop
        // here measures the test as much as the node, and shedding would refuse work the test must
        // see done. Shedding is tested on its own (test/runtime/BusyNode.test.ts).
        shedLoopDelayMs: 30_000
      }),
      AuthConfig.layer(),
      HttpConfig.layer({ port, host: "127.0.0.1", publicUrl: `http://127.0.0.1:${port}` }),
      AppleConfig.layer({ ...options.apple, ...identity, businessIds: [demoBusinessId], apiBase: sim.url }),
      IdentityProvider.layer(Option.some(idp.provider)),
      objects,
      AttachmentConfig.layer(options.attachments)
    )
    const node = Node.layer({
      seed: options.seed ?? true,
      ...(options.demo === true
        ? { demo: { simulatorUrl: sim.origin, password: demoPasswordDefault, simulator: sim.fetch } }
        : {}),
      runtime: { ...fast, ...options.runtime },
      onListening: (listening) =>
        Effect.sync(() => {
          nodeUrl = Option.some(listening.url)
        })
    }).pipe(Layer.provideMerge(infra))
    const context = yield* Layer.build(node)
    const url = yield* Effect.fromNullable(Option.getOrUndefined(nodeUrl))
    return { url, sim, businessId: demoBusinessId, context, idp: idp.server }
  })

/** The node a test file shares (one start-up per file). */
export class Current extends Context.Tag("test/support/TestNode/Current")<Current, TestNode>() {}

export const layer = (options: TestNodeOptions): Layer.Layer<Current, unknown> => Layer.scoped(Current, start(options))
