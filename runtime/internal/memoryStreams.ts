import { Clock, Deferred, Effect, Exit, FiberId } from "effect"
import type { ConsumerSpec, Headers, PublishAck, PublishOptions, StreamSpec } from "../Bus.ts"
import { BusError } from "../Bus.ts"
import { duplicateWindowMillis, millis, minimumMaxAgeMillis } from "./busDurations.ts"
import { isLiteralSubject, subjectMatches, subjectsOverlap } from "./subjects.ts"

export interface StoredMessage {
  readonly seq: number
  readonly subject: string
  readonly data: Uint8Array
  readonly headers: Headers
  readonly at: number
  readonly size: number
}

export interface Pending {
  count: number
  deadline: number
}

export interface ConsumerState {
  readonly stream: StreamState
  spec: ConsumerSpec
  /** The lowest stream sequence this consumer has not looked at yet. */
  cursor: number
  readonly pending: Map<number, Pending>
  deleted: boolean
}

export interface StreamState {
  spec: StreamSpec
  readonly messages: Array<StoredMessage>
  lastSeq: number
  bytes: number
  readonly dedupe: Map<string, { readonly seq: number; readonly at: number }>
  readonly consumers: Map<string, ConsumerState>
  /** Completed and replaced on every change, so a waiting consumer never misses a wake-up. */
  signal: Deferred.Deferred<void>
  deleted: boolean
}

export const notify = (stream: StreamState): void => {
  const previous = stream.signal
  stream.signal = Deferred.unsafeMake<void>(FiberId.none)
  Deferred.unsafeDone(previous, Exit.void)
}

/** Index of the first message with `seq >= from` (binary search: messages are sorted by seq). */
export const lowerBound = (stream: StreamState, from: number): number => {
  let low = 0
  let high = stream.messages.length
  while (low < high) {
    const mid = (low + high) >>> 1
    const message = stream.messages[mid]
    if (message !== undefined && message.seq < from) low = mid + 1
    else high = mid
  }
  return low
}

export const findMessage = (stream: StreamState, seq: number): StoredMessage | undefined => {
  const message = stream.messages[lowerBound(stream, seq)]
  return message?.seq === seq ? message : undefined
}

export const removeMessage = (stream: StreamState, seq: number): void => {
  const index = lowerBound(stream, seq)
  const message = stream.messages[index]
  if (message?.seq !== seq) return
  stream.messages.splice(index, 1)
  stream.bytes -= message.size
}

/** Applies `maxAge` and forgets msg ids older than the duplicate window. */
export const expire = (stream: StreamState, now: number): void => {
  const { maxAge } = stream.spec
  if (maxAge !== undefined) {
    const age = millis(maxAge)
    let head = stream.messages[0]
    while (head !== undefined && head.at + age <= now) {
      stream.messages.shift()
      stream.bytes -= head.size
      head = stream.messages[0]
    }
  }
  const window = duplicateWindowMillis(stream.spec)
  for (const [id, entry] of stream.dedupe) {
    if (entry.at + window > now) break
    stream.dedupe.delete(id)
  }
}

const sizeOf = (subject: string, data: Uint8Array, headers: Headers): number =>
  Object.entries(headers).reduce((size, [k, v]) => size + k.length + v.length + 4, subject.length + data.length)

const isUnlimited = (limit: number): boolean => limit <= 0

export interface MemoryStreams {
  readonly streams: Map<string, StreamState>
  readonly ensureStream: (spec: StreamSpec) => Effect.Effect<void, BusError>
  readonly deleteStream: (name: string) => Effect.Effect<void, BusError>
  readonly streamFor: (subject: string) => StreamState | undefined
  readonly store: (
    stream: StreamState,
    subject: string,
    data: Uint8Array,
    options: PublishOptions
  ) => Effect.Effect<PublishAck, BusError>
}

export const makeMemoryStreams = (): MemoryStreams => {
  const streams = new Map<string, StreamState>()

  const ensureStream = Effect.fn("MemoryBus.ensureStream")(function* (spec: StreamSpec) {
    const fail = (message: string) => new BusError({ operation: "ensureStream", message: `${spec.name}: ${message}` })
    if (spec.maxAge !== undefined && millis(spec.maxAge) < minimumMaxAgeMillis) {
      return yield* fail("max age needs to be >= 100ms")
    }
    for (const other of streams.values()) {
      if (other.spec.name === spec.name) continue
      if (spec.subjects.some((s) => other.spec.subjects.some((o) => subjectsOverlap(s, o)))) {
        return yield* fail(`subjects overlap with stream ${other.spec.name}`)
      }
    }
    const existing = streams.get(spec.name)
    if (existing === undefined) {
      const stream: StreamState = {
        spec,
        messages: [],
        lastSeq: 0,
        bytes: 0,
        dedupe: new Map(),
        consumers: new Map(),
        signal: Deferred.unsafeMake<void>(FiberId.none),
        deleted: false
      }
      streams.set(spec.name, stream)
      return
    }
    if (existing.spec.retention !== spec.retention) {
      return yield* fail("stream configuration update can not change retention policy")
    }
    existing.spec = spec
    notify(existing)
  })

  const deleteStream = (name: string) =>
    Effect.sync(() => {
      const stream = streams.get(name)
      if (stream === undefined) return
      streams.delete(name)
      stream.deleted = true
      for (const consumer of stream.consumers.values()) consumer.deleted = true
      stream.consumers.clear()
      notify(stream)
    })

  const streamFor = (subject: string): StreamState | undefined => {
    for (const stream of streams.values()) {
      if (stream.spec.subjects.some((pattern) => subjectMatches(pattern, subject))) return stream
    }
    return undefined
  }

  const store = Effect.fnUntraced(function* (
    stream: StreamState,
    subject: string,
    data: Uint8Array,
    options: PublishOptions
  ) {
    const now = yield* Clock.currentTimeMillis
    const fail = (message: string) => new BusError({ operation: "publishDurable", message })
    if (!isLiteralSubject(subject)) return yield* fail(`invalid subject ${subject}`)
    expire(stream, now)
    const { msgId } = options
    if (msgId !== undefined) {
      const original = stream.dedupe.get(msgId)
      if (original !== undefined) return { stream: stream.spec.name, seq: original.seq, duplicate: true }
    }
    const headers: Headers =
      msgId === undefined ? (options.headers ?? {}) : { ...options.headers, "Nats-Msg-Id": msgId }
    const size = sizeOf(subject, data, headers)
    const { maxBytes, maxMsgs } = stream.spec
    if (!isUnlimited(maxMsgs) && stream.messages.length >= maxMsgs)
      return yield* fail("stream full: maximum messages exceeded")
    if (!isUnlimited(maxBytes) && stream.bytes + size > maxBytes)
      return yield* fail("stream full: maximum bytes exceeded")
    stream.lastSeq += 1
    const seq = stream.lastSeq
    stream.messages.push({ seq, subject, data, headers, at: now, size })
    stream.bytes += size
    if (msgId !== undefined) stream.dedupe.set(msgId, { seq, at: now })
    notify(stream)
    return { stream: stream.spec.name, seq, duplicate: false }
  })

  return { streams, ensureStream, deleteStream, streamFor, store }
}
