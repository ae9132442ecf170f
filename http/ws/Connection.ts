import { Deferred, Effect, Queue, Schedule } from "effect"
import type { WebSocket } from "ws"
import { closeCodes, type ServerMessage } from "./Protocol.ts"

/**
 * One open socket as the session sees it: frames in (a queue filled by the socket's callbacks),
 * frames out, and the close. Sending never blocks: a client that stops reading lets bytes pile up
 * in our buffer, so a buffer past `maxBufferedBytes` that does not drain within `drainTimeoutMs`
 * gets the socket dropped (1013), and the client resumes
 * from its last event id when it reconnects, instead of this node holding its backlog.
 */
export interface Connection {
  readonly frames: Queue.Queue<string>
  /** Completes with the close code when the socket closes, whoever closed it. */
  readonly closed: Deferred.Deferred<number>
  /** `false` once the socket is closing or was dropped for not reading. */
  readonly send: (message: ServerMessage) => Effect.Effect<boolean>
  readonly close: (code: number, reason: string) => Effect.Effect<void>
}

const terminateAfterMs = 5_000

export const make = (
  raw: WebSocket,
  limits: { readonly maxBufferedBytes: number; readonly drainTimeoutMs: number }
): Effect.Effect<Connection> =>
  Effect.gen(function* () {
    const frames = yield* Queue.unbounded<string>()
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
    return { frames, closed, send, close }
  })
