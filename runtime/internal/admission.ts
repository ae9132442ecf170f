import { Clock, Deferred, type Duration, Effect, FiberId } from "effect"
import { BusError, type BusShape, type StreamState } from "../Bus.ts"

/**
 * A stream's high-water mark: durable publishes to it are refused once it holds this much, well
 * before the server's own bound (`max_msgs`/`max_bytes`, `discard: new`). The server's bound is
 * not safe to reach: on a clustered nats-server 2.9 a stream that hits it can acknowledge a
 * publish that a replica then drops (nats-server #4771, #4775), and a consumer led from that
 * replica never delivers it — accepted work lost. Refusing here keeps the stream below it; the
 * refusal reads like the server's ("stream full"), so callers already answer 503 or retry later.
 */
export interface HighWater {
  readonly stream: string
  /** Subjects of the stream start with this (its subject pattern without the wildcards). */
  readonly subjectPrefix: string
  readonly messages: number
  readonly bytes: number
}

interface Gauge {
  readonly mark: HighWater
  /** The last reading (none when it failed) and when it was taken (clock millis; undefined: never). */
  reading: StreamState | undefined
  readAt: number | undefined
  /** Publishes this node admitted since that reading: the reading does not count them all yet. */
  admittedSince: number
  /** A reading under way, shared by every publish waiting on it. */
  reading$: Deferred.Deferred<StreamState | undefined> | undefined
}

/**
 * Wraps `bus` so that `publishDurable` to a stream with a mark is refused past it. The count is a
 * reading at most `fresh` millis old plus what this node admitted since, so several nodes
 * together can pass the mark by what they publish within `fresh`: the gap up to the server's bound
 * must cover that. A reading that fails admits (the publish itself then tells the truth).
 */
export const withHighWater = (
  bus: BusShape,
  marks: ReadonlyArray<HighWater>,
  fresh = 200,
  readTimeout: Duration.DurationInput = "1 second"
): BusShape => {
  const gauges = marks.map(
    (mark): Gauge => ({ mark, reading: undefined, readAt: undefined, admittedSince: 0, reading$: undefined })
  )
  const gaugeOf = (subject: string) => gauges.find((g) => subject.startsWith(g.mark.subjectPrefix))

  const read = (gauge: Gauge): Effect.Effect<StreamState | undefined> =>
    Effect.suspend(() => {
      const shared = gauge.reading$
      if (shared !== undefined) return Deferred.await(shared)
      const pending = Deferred.unsafeMake<StreamState | undefined>(FiberId.none)
      gauge.reading$ = pending
      return bus.streamState(gauge.mark.stream).pipe(
        Effect.map((state): StreamState | undefined => state),
        // A slow answer (an election) must not hold the publish past its own timeout.
        Effect.timeout(readTimeout),
        Effect.orElseSucceed(() => undefined),
        Effect.tap((state) =>
          Effect.map(Clock.currentTimeMillis, (now) => {
            gauge.reading = state
            gauge.readAt = now
            gauge.admittedSince = 0
          })
        ),
        // Waiters get an answer however this read ends (also when the fiber that started it is interrupted).
        Effect.onExit((exit) => {
          gauge.reading$ = undefined
          return Deferred.succeed(pending, exit._tag === "Success" ? exit.value : undefined)
        })
      )
    })

  const admit = (gauge: Gauge, subject: string) =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const state = gauge.readAt !== undefined && now - gauge.readAt < fresh ? gauge.reading : yield* read(gauge)
      if (state === undefined) return
      const { mark } = gauge
      const messages = state.messages + gauge.admittedSince
      if (messages >= mark.messages || state.bytes >= mark.bytes) {
        return yield* new BusError({
          operation: "publishDurable",
          message: `stream full: ${mark.stream} holds ${messages} messages, ${state.bytes} bytes (high-water mark ${mark.messages} messages, ${mark.bytes} bytes); refused ${subject}`
        })
      }
      gauge.admittedSince++
    })

  return {
    ...bus,
    publishDurable: (subject, data, options) => {
      const gauge = gaugeOf(subject)
      return gauge === undefined
        ? bus.publishDurable(subject, data, options)
        : Effect.zipRight(admit(gauge, subject), bus.publishDurable(subject, data, options))
    }
  }
}
