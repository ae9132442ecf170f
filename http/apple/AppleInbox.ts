import { Context, Effect, Layer, Ref, Schema } from "effect"
import type { InboundEnvelope } from "../../apple/InboundEnvelope.ts"

/** The inbox cannot make the message durable right now; Apple should retry later. */
export class InboxUnavailable extends Schema.TaggedError<InboxUnavailable>()("InboxUnavailable", {
  reason: Schema.String
}) {}

export class AppleInbox extends Context.Tag("parley/http/AppleInbox")<
  AppleInbox,
  {
    /** Durably stores the message (de-duplicated by Apple's message id); resolves only once it is safe to answer 200. */
    readonly accept: (envelope: InboundEnvelope) => Effect.Effect<{ readonly duplicate: boolean }, InboxUnavailable>
  }
>() {}

export interface MemoryInboxShape {
  /** Stored envelopes in arrival order, one per message id. */
  readonly envelopes: Effect.Effect<ReadonlyArray<InboundEnvelope>>
  /** While true, `accept` fails with `InboxUnavailable`. */
  readonly setUnavailable: (unavailable: boolean) => Effect.Effect<void>
}

export class MemoryInbox extends Context.Tag("parley/http/AppleInbox/MemoryInbox")<MemoryInbox, MemoryInboxShape>() {}

/** For tests: keeps envelopes in memory, de-duplicated by (business, message id). */
export const layerMemory: Layer.Layer<AppleInbox | MemoryInbox> = Layer.effectContext(
  Effect.gen(function* () {
    const stored = yield* Ref.make<ReadonlyArray<InboundEnvelope>>([])
    const unavailable = yield* Ref.make(false)
    const accept = Effect.fn("AppleInbox.accept")(function* (envelope: InboundEnvelope) {
      if (yield* Ref.get(unavailable)) return yield* new InboxUnavailable({ reason: "memory inbox switched off" })
      return yield* Ref.modify(stored, (all) =>
        all.some((e) => e.messageId === envelope.messageId && e.destinationId === envelope.destinationId)
          ? [{ duplicate: true }, all]
          : [{ duplicate: false }, [...all, envelope]]
      )
    })
    return Context.make(AppleInbox, { accept }).pipe(
      Context.add(MemoryInbox, {
        envelopes: Ref.get(stored),
        setUnavailable: (value: boolean) => Ref.set(unavailable, value)
      })
    )
  })
)
