import { randomUUID } from "node:crypto"
import { Duration, Effect, Layer } from "effect"
import * as Sender from "../../../actors/apple/AppleOutbound.ts"
import { AppleOutbound, type Part, Send, SendAll } from "../../../actors/apple/AppleOutboundProtocol.ts"
import { Conversation } from "../../../actors/conversation/ConversationProtocol.ts"
import { AppleClient, layer as clientLayer } from "../../../apple/AppleClient.ts"
import * as AppleConfig from "../../../apple/AppleConfig.ts"
import { text } from "../../../apple/OutboundMessage.ts"
import type { Db } from "../../../db/Db.ts"
import { type SystemSettings, layer as systemLayer } from "../../../runtime/ActorSystem.ts"
import { names } from "../../../runtime/Address.ts"
import { Bus } from "../../../runtime/Bus.ts"
import { erase } from "../../../runtime/ErasedKind.ts"
import * as MemoryObjectStore from "../../../runtime/MemoryObjectStore.ts"
import * as RuntimeConfig from "../../../runtime/RuntimeConfig.ts"
import type * as Simulator from "../../../sim/Simulator.ts"
import { fastSettings } from "../../runtime/ActorRuntimeSuite.ts"
import { makeRecorder, type Recorder } from "../../support/ConversationRecorder.ts"
import { uniquePrefix } from "../../support/TestEnv.ts"
import type { Identity } from "../support.ts"

export type { Recorded, Recorder } from "../../support/ConversationRecorder.ts"
export { makeRecorder }

/** Retries in milliseconds, so the retry tests take well under a second. */
export const fastSender: Partial<Sender.SenderSettings> = {
  tries: 6,
  retryBase: "20 millis",
  retryCap: "200 millis",
  retryWithin: "10 seconds"
}

/**
 * 32 partitions per node here (two kinds of 16): slow down the pollers the tests do not need (the
 * outbox is relayed right after each commit; the sweeper is only the safety net). Small streams:
 * JetStream reserves `maxBytes` up front, and the runtime's 1 GiB default fills a test server.
 */
export const settings: Partial<SystemSettings> = {
  ...fastSettings,
  audit: false,
  timerInterval: "5 seconds",
  sweepInterval: "5 seconds",
  streamMaxBytes: 8 * 1024 * 1024,
  streamMaxMsgs: 100_000
}

/** Removes what a scenario created on the bus (streams, the lease and membership buckets of its prefix). */
export const cleanup = Effect.gen(function* () {
  const bus = yield* Bus
  const config = yield* RuntimeConfig.RuntimeConfig
  const named = names(config.subjectPrefix)
  for (const kind of [AppleOutbound.name, Conversation.name]) yield* bus.deleteStream(named.stream(kind))
  yield* bus.deleteStream(named.dlqStream())
  yield* bus.deleteKv(named.leaseBucket())
  yield* bus.deleteKv(named.nodeBucket())
}).pipe(Effect.catchAll((e) => Effect.logWarning("test streams not removed", e)))

/** Bus, database and this test's own prefix; shared by the "nodes" a test starts one after another. */
export const infra = (bus: Layer.Layer<Bus, unknown>, db: Layer.Layer<Db, unknown>) =>
  Layer.mergeAll(
    bus,
    db,
    RuntimeConfig.layer({ subjectPrefix: uniquePrefix("out"), nodeId: "node-a" }),
    MemoryObjectStore.layer
  )

export const appleLayer = (identity: Identity, sim: Simulator.Simulator): Layer.Layer<AppleClient> =>
  clientLayer.pipe(
    Layer.provide(AppleConfig.layer({ ...identity, apiBase: sim.url, requestTimeout: Duration.seconds(5) }))
  )

/** One node: the sender under test and the recording conversation, on the given Apple client. */
export const node = (recorder: Recorder, apple: Layer.Layer<AppleClient>) =>
  systemLayer([erase(Sender.make(fastSender)), recorder.erased], settings).pipe(Layer.provide(apple))

export const send = (businessId: string, customerId: string, body: string) =>
  Send.make({
    appleMessageId: randomUUID(),
    businessId,
    customerId,
    content: text(body),
    autoReply: false
  })

const part = (body: string): Part => ({ appleMessageId: randomUUID(), content: text(body), autoReply: true })

/** One answer of several parts, as a conversation turn hands it to the sender. */
export const sendAll = (
  businessId: string,
  customerId: string,
  [first, ...rest]: readonly [string, ...Array<string>]
) => SendAll.make({ businessId, customerId, parts: [part(first), ...rest.map(part)] })

/**
 * An Apple client that, for one message id, lets the real send reach Apple and then hangs before
 * the turn can commit — what a node that dies right after Apple's 200 looks like from outside.
 */
export const crashingAfterSend = (
  real: Layer.Layer<AppleClient>,
  crashId: string,
  sent: Effect.Effect<void>
): Layer.Layer<AppleClient> =>
  Layer.effect(
    AppleClient,
    Effect.map(AppleClient, (client) =>
      AppleClient.of({
        ...client,
        send: (to, content, options) =>
          options.id === crashId
            ? Effect.zipRight(client.send(to, content, options), Effect.zipRight(sent, Effect.never))
            : client.send(to, content, options)
      })
    )
  ).pipe(Layer.provide(real))
