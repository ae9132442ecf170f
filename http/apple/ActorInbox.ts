import { type Duration, Effect, Layer } from "effect"
import { Conversation, CustomerMessage, conversationId } from "../../actors/conversation/ConversationProtocol.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import { AppleInbox, InboxUnavailable } from "./AppleInbox.ts"

export interface ActorInboxOptions {
  /** Publishes in flight at once on this node; beyond it the webhook answers 503 (back-pressure). */
  readonly maxInFlight: number
  /** How long to wait for the stream's acknowledgement before answering 503. */
  readonly publishTimeout: Duration.DurationInput
}

export const defaults: ActorInboxOptions = { maxInFlight: 512, publishTimeout: "3 seconds" }

/**
 * The production inbox: a customer message becomes a durable message to its conversation actor,
 * de-duplicated by Apple's message id, on the `in` lane. Resolves only after the stream's
 * acknowledgement, so a 200 to Apple means the message survives a crash of this node.
 */
export const layer = (options: Partial<ActorInboxOptions> = {}): Layer.Layer<AppleInbox, never, ActorSystem> =>
  Layer.effect(
    AppleInbox,
    Effect.gen(function* () {
      const settings = { ...defaults, ...options }
      const system = yield* ActorSystem
      const slots = yield* Effect.makeSemaphore(settings.maxInFlight)
      const accept = (envelope: typeof CustomerMessage.Type.envelope) =>
        system
          .tell(
            Conversation,
            conversationId(envelope.destinationId, envelope.sourceId),
            // The envelope was decoded by the webhook; the tell encodes (and so checks) it again.
            CustomerMessage.make({ envelope }, { disableValidation: true }),
            { msgId: envelope.messageId, lane: "in", timeout: settings.publishTimeout }
          )
          .pipe(
            Effect.map((ack) => ({ duplicate: ack.duplicate })),
            // Not logged here: the webhook logs every refusal with this reason, and under
            // back-pressure (a full stream) a second line per refused request only doubled the noise.
            Effect.mapError((e) => new InboxUnavailable({ reason: `${e._tag}: ${"message" in e ? e.message : ""}` })),
            slots.withPermitsIfAvailable(1),
            Effect.flatMap((result) =>
              result._tag === "Some"
                ? Effect.succeed(result.value)
                : Effect.fail(new InboxUnavailable({ reason: "too many messages in flight" }))
            )
          )
      return { accept }
    })
  )
