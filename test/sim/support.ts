import { Effect, Layer, type Scope } from "effect"
import { type AppleClient, layer as clientLayer } from "../../apple/AppleClient.ts"
import * as AppleConfig from "../../apple/AppleConfig.ts"
import type { InboundEnvelope } from "../../apple/InboundEnvelope.ts"
import { fromInteractiveData } from "../../apple/InteractiveReply.ts"
import { MemoryInbox } from "../../http/apple/AppleInbox.ts"
import * as AppleWebhook from "../../http/apple/AppleWebhook.ts"
import * as Simulator from "../../sim/Simulator.ts"
import { type Identity, webhookLayer } from "../apple/support.ts"

/** MSP webhook (in-process) + simulator + client, as a conversation would use them. */
export const stackOf =
  (identity: Identity) =>
  <A, E>(body: (sim: Simulator.Simulator) => Effect.Effect<A, E, AppleClient | MemoryInbox | Scope.Scope>) =>
    Effect.scoped(
      Effect.gen(function* () {
        const app = yield* AppleWebhook.make
        const sim = yield* Simulator.make({
          ...identity,
          secret: identity.secretText,
          mspFetch: async (request) => app.request(request)
        })
        const client = clientLayer.pipe(Layer.provide(AppleConfig.layer({ ...identity, apiBase: sim.url })))
        return yield* body(sim).pipe(Effect.provide(client))
      }).pipe(Effect.provide(webhookLayer(identity)))
    )

/** The last message the MSP's webhook accepted. */
export const lastEnvelope = Effect.flatMap(MemoryInbox, (inbox) => inbox.envelopes).pipe(
  Effect.map((all): InboundEnvelope => all[all.length - 1]!)
)

/** An interactive reply's decoded content, or `undefined` for anything else. */
export const replyOf = (envelope: InboundEnvelope) =>
  envelope.message.type === "interactive" && envelope.message.interactiveData !== undefined
    ? fromInteractiveData(envelope.message.interactiveData)
    : undefined
