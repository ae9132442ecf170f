import { Deferred, Effect, Queue, Schedule } from "effect"
import type { WebSocket } from "ws"
import { closeCodes, type ServerMessage } from "./Protocol.ts"
import * as TokenBucket from "./TokenBucket.ts"

/**
 * One open socket as the session sees it: frames in (a queue filled by the socket's callbacks),
 * frames out, and the close. Sending never blocks: a client that stops reading lets bytes pile up
 * in our buffer, so a buffer past `maxBufferedBytes` that does not drain within `drainTimeoutMs`
 * gets the socket dropped (1013), and the client resumes
 * from its last event id when it reconnects, instead of this node holding its backlog.
 */
export interface Connection {
  readonly frames: Queue.Queue<string>
  /**
   * A frame from the client, queued for the session. Over the socket's rate (token bucket) or its
   * queue bound the socket is closed with 1008: a client that floods cannot grow this node's memory
   * or crowd out other sockets' commands, and well-behaved clients never come near either limit.
   */
  readonly receive: (frame: string) => Effect.Effect<void>
  /** Completes with the close code when the socket closes, whoever closed it. */
  readonly closed: Deferred.Deferred<number>
  /** `false` once the socket is closing or was dropped for not reading. */
  readonly send: (message: ServerMessage) => Effect.Effect<boolean>
  readonly close: (code: number, reason: string) => Effect.Effect<void>
}

const terminateAfterMs = 5_000

export interface ConnectionLimits {
  readonly maxBufferedBytes: number
  readonly drainTimeoutMs: number
  readonly framesPerSecond: number
  readonly frameBurst: number
  readonly maxQueuedFrames: number
}

export const make = (raw: WebSocket, limits: ConnectionLimits): Effect.Effect<Connection> =>
  Effect.gen(function* () {
    const frames = yield* Queue.dropping<string>(limits.maxQueuedFrames)
    const bucket = TokenBucket.make({ perSecond: limits.framesPerSecond, burst: limits.frameBurst }, Date.now())
    const closed = yield* Deferred.make<number>()
    let dropping = false
    const close = (code: number, reason: string) =>
      Effect.sync(() => {
        dropping = true
        if (raw.readyState !== raw.OPEN && raw.readyState !== raw.CONNECTING) return
        raw.close(code, reason)
        // A client that does not read never answers the close either; do not hold its buffer for long.
        setTimeout(() => raw.terminate(), terminateAfterMs).unref()
      })
    // A burst (a resume) fills the buffer faster than any client reads; only one that stays full is slow.
    const drained = Effect.suspend(() =>
      raw.bufferedAmount <= limits.maxBufferedBytes ? Effect.succeed(true) : Effect.fail("full" as const)
    ).pipe(
      Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo(limits.drainTimeoutMs))),
      Effect.orElseSucceed(() => false)
    )
    const send = (message: ServerMessage) =>
      Effect.gen(function* () {
        if (dropping || raw.readyState !== raw.OPEN) return false
        raw.send(JSON.stringify(message))
        if (raw.bufferedAmount <= limits.maxBufferedBytes || (yield* drained)) return !dropping
        yield* Effect.logWarning("ws: client is not reading; dropping it").pipe(
          Effect.annotateLogs({ bufferedBytes: raw.bufferedAmount })
        )
        yield* close(closeCodes.slowConsumer, "too far behind; reconnect and resume")
        return false
      })
    // Reading stops at once: what the flood already put on the wire stays in TCP's buffers, not ours.
    const refuse = (reason: string) =>
      Effect.logWarning(`ws: ${reason}; closing the socket`).pipe(
        Effect.zipRight(close(closeCodes.policyViolation, reason)),
        Effect.zipRight(Effect.sync(() => raw.pause()))
      )
    const receive = (frame: string) =>
      Effect.suspend(() => {
        if (dropping) return Effect.void
        if (!bucket.take(Date.now())) return refuse("frames over the rate limit")
        return Effect.flatMap(Queue.offer(frames, frame), (queued) =>
          queued ? Effect.void : refuse("too many frames waiting")
        )
      })
    return { frames, receive, closed, send, close }
  })
