import { Deferred, Effect, Queue } from "effect"
import type { WebSocket } from "ws"
import { closeCodes, type ServerMessage } from "./Protocol.ts"

/**
 * One open socket as the session sees it: frames in (a queue filled by the socket's callbacks),
 * frames out, and the close. Sending never blocks: a client that stops reading lets bytes pile up
 * in our buffer, so past `maxBufferedBytes` the socket is dropped (1013) and the client resumes
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

export const make = (raw: WebSocket, maxBufferedBytes: number): Effect.Effect<Connection> =>
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
    const send = (message: ServerMessage) =>
      Effect.suspend(() => {
        if (dropping || raw.readyState !== raw.OPEN) return Effect.succeed(false)
        raw.send(JSON.stringify(message))
        if (raw.bufferedAmount <= maxBufferedBytes) return Effect.succeed(true)
        return Effect.logWarning("ws: client is not reading; dropping it").pipe(
          Effect.annotateLogs({ bufferedBytes: raw.bufferedAmount }),
          Effect.zipRight(close(closeCodes.slowConsumer, "too far behind; reconnect and resume")),
          Effect.as(false)
        )
      })
    return { frames, closed, send, close }
  })
