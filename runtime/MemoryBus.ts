import { Effect, Layer } from "effect"
import type { BusShape, Headers, PublishOptions } from "./Bus.ts"
import { Bus, BusError } from "./Bus.ts"
import { makeMemoryConsumers } from "./internal/memoryConsumers.ts"
import { makeMemoryCore } from "./internal/memoryCore.ts"
import { makeMemoryKv } from "./internal/memoryKv.ts"
import { makeMemoryStreams } from "./internal/memoryStreams.ts"
import { isLiteralSubject } from "./internal/subjects.ts"

/**
 * The bus inside one process, for `npm start` without NATS_URL and for fast tests. It keeps the
 * NATS semantics the runtime relies on (queue groups, no responders, de-dup, discard-new,
 * work-queue acks, redelivery, KV revisions and TTL); all time comes from `Clock`, so
 * `TestClock` drives ack waits, duplicate windows and TTLs.
 */
export const make = (): BusShape => {
  const core = makeMemoryCore()
  const streams = makeMemoryStreams()
  const consumers = makeMemoryConsumers(streams)
  const kv = makeMemoryKv()

  const publish: BusShape["publish"] = Effect.fn("MemoryBus.publish")(function* (
    subject: string,
    data: Uint8Array,
    headers?: Headers
  ) {
    if (!isLiteralSubject(subject)) {
      return yield* new BusError({ operation: "publish", message: `invalid subject ${subject}` })
    }
    core.dispatch(subject, data, headers ?? {})
    // A core publish to a stream's subject is stored too (without an ack), as on NATS.
    const stream = streams.streamFor(subject)
    if (stream !== undefined) yield* Effect.ignore(streams.store(stream, subject, data, { headers: headers ?? {} }))
  })

  const publishDurable: BusShape["publishDurable"] = Effect.fn("MemoryBus.publishDurable")(function* (
    subject: string,
    data: Uint8Array,
    options?: PublishOptions
  ) {
    const stream = streams.streamFor(subject)
    if (stream === undefined) {
      return yield* new BusError({ operation: "publishDurable", message: `no stream covers ${subject}` })
    }
    // On NATS a JetStream publish is a core message too: subscribers see it, duplicate or not.
    core.dispatch(subject, data, options?.headers ?? {})
    return yield* streams.store(stream, subject, data, options ?? {})
  })

  return {
    describe: "in-process",
    ping: Effect.void,
    publish,
    subscribe: core.subscribe,
    request: core.request,
    ensureStream: streams.ensureStream,
    deleteStream: streams.deleteStream,
    streamState: (name) => {
      const stream = streams.streams.get(name)
      return stream === undefined || stream.deleted
        ? Effect.fail(new BusError({ operation: "streamState", message: `stream ${name} not found` }))
        : Effect.succeed({ messages: stream.messages.length, bytes: stream.bytes })
    },
    publishDurable,
    ensureConsumer: consumers.ensureConsumer,
    deleteConsumer: consumers.deleteConsumer,
    consumerNames: consumers.consumerNames,
    consume: (stream, consumer) => consumers.consume(stream, consumer),
    kv: kv.kv,
    deleteKv: kv.deleteKv
  }
}

export const layer: Layer.Layer<Bus> = Layer.sync(Bus, make)
