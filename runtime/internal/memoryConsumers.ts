import { Clock, Deferred, Effect, Option, Stream } from "effect"
import type { ConsumerSpec, Delivery } from "../Bus.ts"
import { BusError, ConsumerGone, ConsumerNotUnique } from "../Bus.ts"
import { millis } from "./busDurations.ts"
import type { ConsumerState, MemoryStreams, StoredMessage, StreamState } from "./memoryStreams.ts"
import { expire, findMessage, lowerBound, notify, removeMessage } from "./memoryStreams.ts"
import { subjectIsSubset, subjectMatches } from "./subjects.ts"

type Pick =
  | { readonly _tag: "Deliver"; readonly message: StoredMessage; readonly count: number }
  | { readonly _tag: "Wait"; readonly signal: Deferred.Deferred<void>; readonly until: number | undefined }
  | { readonly _tag: "Gone" }

/** Redeliveries (expired or nak'ed) first, then the next new message while under `maxAckPending`. */
const pick = (consumer: ConsumerState, now: number): Pick => {
  const { stream } = consumer
  if (consumer.deleted) return { _tag: "Gone" }
  expire(stream, now)
  const signal = stream.signal
  let redeliver: number | undefined
  let until: number | undefined
  for (const [seq, pending] of consumer.pending) {
    if (findMessage(stream, seq) === undefined) consumer.pending.delete(seq)
    else if (pending.deadline <= now) redeliver = redeliver === undefined ? seq : Math.min(redeliver, seq)
    else until = until === undefined ? pending.deadline : Math.min(until, pending.deadline)
  }
  const ackWait = millis(consumer.spec.ackWait)
  if (redeliver !== undefined) {
    const pending = consumer.pending.get(redeliver)
    const message = findMessage(stream, redeliver)
    if (pending !== undefined && message !== undefined) {
      pending.count += 1
      pending.deadline = now + ackWait
      return { _tag: "Deliver", message, count: pending.count }
    }
  }
  if (consumer.pending.size < consumer.spec.maxAckPending) {
    for (let i = lowerBound(stream, consumer.cursor); i < stream.messages.length; i++) {
      const message = stream.messages[i]
      if (message === undefined) break
      // Messages outside the filter are skipped for good: new ones always get larger sequences.
      consumer.cursor = message.seq + 1
      if (!subjectMatches(consumer.spec.filterSubject, message.subject)) continue
      consumer.pending.set(message.seq, { count: 1, deadline: now + ackWait })
      return { _tag: "Deliver", message, count: 1 }
    }
  }
  return { _tag: "Wait", signal, until }
}

/** Runs `f` on this delivery's pending entry, unless the consumer is gone or the message already settled. */
const settle = (consumer: ConsumerState, seq: number, f: (now: number) => void) =>
  Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.sync(() => {
      if (consumer.deleted || !consumer.pending.has(seq)) return
      f(now)
      notify(consumer.stream)
    })
  )

const finish = (consumer: ConsumerState, seq: number) => {
  consumer.pending.delete(seq)
  if (consumer.stream.spec.retention === "workqueue") removeMessage(consumer.stream, seq)
}

const delivery = (consumer: ConsumerState, message: StoredMessage, count: number): Delivery => ({
  subject: message.subject,
  data: message.data,
  headers: message.headers,
  seq: message.seq,
  deliveryCount: count,
  ack: Effect.suspend(() =>
    consumer.deleted
      ? Effect.fail(new ConsumerGone({ stream: consumer.stream.spec.name, consumer: consumer.spec.name }))
      : settle(consumer, message.seq, () => finish(consumer, message.seq))
  ),
  // In process there is no round trip to save; a deleted consumer is reported by its pull.
  ackNoWait: Effect.suspend(() =>
    consumer.deleted ? Effect.void : settle(consumer, message.seq, () => finish(consumer, message.seq))
  ),
  working: settle(consumer, message.seq, (now) => {
    const pending = consumer.pending.get(message.seq)
    if (pending !== undefined) pending.deadline = now + millis(consumer.spec.ackWait)
  }),
  term: () => settle(consumer, message.seq, () => finish(consumer, message.seq)),
  nak: (delay) =>
    settle(consumer, message.seq, (now) => {
      const pending = consumer.pending.get(message.seq)
      if (pending !== undefined) pending.deadline = now + (delay === undefined ? 0 : millis(delay))
    })
})

const next = Effect.fnUntraced(function* (consumer: ConsumerState) {
  // A loop, not recursion: a consumer on a busy stream wakes often without a delivery of its own.
  while (true) {
    const now = yield* Clock.currentTimeMillis
    const choice = pick(consumer, now)
    if (choice._tag === "Gone") {
      return yield* new ConsumerGone({ stream: consumer.stream.spec.name, consumer: consumer.spec.name })
    }
    if (choice._tag === "Deliver") return delivery(consumer, choice.message, choice.count)
    const wake = Deferred.await(choice.signal)
    yield* choice.until === undefined ? wake : Effect.race(wake, Effect.sleep(choice.until - now))
  }
})

export interface MemoryConsumers {
  readonly ensureConsumer: (spec: ConsumerSpec) => Effect.Effect<void, BusError | ConsumerNotUnique>
  readonly deleteConsumer: (stream: string, name: string) => Effect.Effect<void, BusError>
  readonly consumerNames: (stream: string) => Effect.Effect<ReadonlyArray<string>, BusError>
  readonly consume: (stream: string, consumer: string) => Stream.Stream<Delivery, BusError | ConsumerGone>
}

export const makeMemoryConsumers = ({ streams }: MemoryStreams): MemoryConsumers => {
  const ensureConsumer = Effect.fn("MemoryBus.ensureConsumer")(function* (spec: ConsumerSpec) {
    const fail = (message: string) =>
      new BusError({ operation: "ensureConsumer", message: `${spec.stream}/${spec.name}: ${message}` })
    const stream: StreamState | undefined = streams.get(spec.stream)
    if (stream === undefined) return yield* fail("stream not found")
    const existing = stream.consumers.get(spec.name)
    if (existing !== undefined) {
      if (existing.spec.filterSubject !== spec.filterSubject) return yield* fail("filter subject can not be changed")
      existing.spec = spec
      notify(stream)
      return
    }
    if (!stream.spec.subjects.some((pattern) => subjectIsSubset(spec.filterSubject, pattern))) {
      return yield* fail("consumer filter subject is not a valid subset of the interest subjects")
    }
    if (stream.spec.retention === "workqueue") {
      // NATS (2.9) refuses a filter that is a subset or a superset of another consumer's filter.
      for (const other of stream.consumers.values()) {
        const a = other.spec.filterSubject
        if (subjectIsSubset(a, spec.filterSubject) || subjectIsSubset(spec.filterSubject, a)) {
          return yield* new ConsumerNotUnique({
            stream: spec.stream,
            consumer: spec.name,
            message: "filtered consumer not unique on workqueue stream"
          })
        }
      }
    }
    stream.consumers.set(spec.name, { stream, spec, cursor: 1, pending: new Map(), deleted: false })
  })

  const deleteConsumer = (streamName: string, name: string) =>
    Effect.sync(() => {
      const stream = streams.get(streamName)
      const consumer = stream?.consumers.get(name)
      if (stream === undefined || consumer === undefined) return
      stream.consumers.delete(name)
      consumer.deleted = true
      notify(stream)
    })

  const consume = (streamName: string, name: string) =>
    Stream.unwrap(
      Effect.suspend(() => {
        const consumer = streams.get(streamName)?.consumers.get(name)
        return consumer === undefined
          ? Effect.fail(new ConsumerGone({ stream: streamName, consumer: name }))
          : Effect.succeed(Stream.repeatEffectOption(next(consumer).pipe(Effect.mapError(Option.some))))
      })
    )

  const consumerNames = (streamName: string) =>
    Effect.suspend(() => {
      const stream = streams.get(streamName)
      return stream === undefined
        ? Effect.fail(new BusError({ operation: "consumerNames", message: `${streamName}: stream not found` }))
        : Effect.succeed([...stream.consumers.keys()])
    })

  return { ensureConsumer, deleteConsumer, consumerNames, consume }
}
