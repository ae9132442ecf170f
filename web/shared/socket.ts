import { Either, Schema } from "effect"
import type { AgentEvent } from "../../actors/agent/AgentEvent.ts"
import { type Command, closeCodes, ServerMessage, version } from "../../http/ws/Protocol.ts"

/**
 * The Agent Workspace socket from the browser: signs in with a `hello`, decodes every frame with
 * the server's own Schemas, reconnects by itself (backing off) and resumes where it left off
 * (`lastEventId` and the ids it has `seen`), so nothing is lost or shown twice across a drop.
 */

export type LinkState = "connecting" | "online" | "reconnecting" | "offline"

export interface Link {
  readonly state: LinkState
  /** Epoch ms of the next attempt, while reconnecting. */
  readonly retryAt?: number
}

export type Welcome = Extract<ServerMessage, { readonly type: "welcome" }>

export interface Cursor {
  readonly lastEventId?: number
  readonly seen: ReadonlyArray<number>
}

export interface Handlers {
  readonly onWelcome: (welcome: Welcome) => void
  readonly onEvent: (event: AgentEvent) => void
  readonly onLink: (link: Link) => void
  readonly onCursor: (cursor: Cursor) => void
  readonly onUnauthenticated: () => void
}

type Action = Exclude<Command, { readonly type: "hello" }>
/** A command as the page writes it: the client adds `v` and `ref`. */
export type Outgoing = Action extends infer C ? (C extends Action ? Omit<C, "v" | "ref"> : never) : never

export type Answer =
  | { readonly ok: true; readonly result?: Readonly<Record<string, unknown>> | undefined }
  | { readonly ok: false; readonly code: string; readonly reason: string }

const decode = Schema.decodeUnknownEither(Schema.parseJson(ServerMessage))
const keepSeen = 500
/** Disconnected this long, the page says it is offline (offers paused), not just reconnecting. */
export const offlineAfterMs = 30_000
const backoff = [500, 1_000, 2_000, 4_000, 8_000]

export const socketUrl = (): string => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`

export class AgentSocketClient {
  private ws: WebSocket | undefined
  private attempt = 0
  private retry: ReturnType<typeof setTimeout> | undefined
  private offlineTimer: ReturnType<typeof setTimeout> | undefined
  private stopped = false
  private nextRef = 1
  private readonly pending = new Map<string, (answer: Answer) => void>()
  private lastEventId: number | undefined
  private seen: Array<number>
  private readonly seenSet: Set<number>
  private link: Link = { state: "connecting" }

  constructor(
    private readonly token: () => string,
    private readonly handlers: Handlers,
    cursor: Cursor
  ) {
    this.lastEventId = cursor.lastEventId
    this.seen = [...cursor.seen]
    this.seenSet = new Set(cursor.seen)
  }

  start(): void {
    this.stopped = false
    this.open()
  }

  stop(): void {
    this.stopped = true
    clearTimeout(this.retry)
    clearTimeout(this.offlineTimer)
    this.ws?.close(1000, "signed out")
    this.ws = undefined
  }

  get state(): LinkState {
    return this.link.state
  }

  /** Sends a command and resolves with its `ack` or `error`; while disconnected it is refused at once. */
  command(command: Outgoing): Promise<Answer> {
    const ws = this.ws
    if (ws === undefined || ws.readyState !== WebSocket.OPEN || this.link.state !== "online")
      return Promise.resolve({
        ok: false,
        code: "unavailable",
        reason: "Not connected; wait until the workspace is back online."
      })
    const ref = `c${this.nextRef++}`
    return new Promise((resolve) => {
      this.pending.set(ref, resolve)
      ws.send(JSON.stringify({ v: version, ref, ...command }))
    })
  }

  private setLink(link: Link) {
    this.link = link
    this.handlers.onLink(link)
  }

  private open() {
    const ws = new WebSocket(socketUrl())
    this.ws = ws
    ws.onopen = () => {
      ws.send(
        JSON.stringify({
          v: version,
          type: "hello",
          ref: "hello",
          token: this.token(),
          ...(this.lastEventId !== undefined ? { lastEventId: this.lastEventId, seen: this.seen } : {})
        })
      )
    }
    ws.onmessage = (message) => {
      if (typeof message.data !== "string") return
      const frame = decode(message.data)
      if (Either.isLeft(frame)) return
      this.receive(frame.right)
    }
    ws.onclose = (event) => {
      if (this.ws !== ws) return
      this.ws = undefined
      for (const resolve of this.pending.values())
        resolve({ ok: false, code: "unavailable", reason: "The connection dropped before Parley answered; try again." })
      this.pending.clear()
      if (this.stopped) return
      if (event.code === closeCodes.unauthenticated) {
        this.stopped = true
        this.handlers.onUnauthenticated()
        return
      }
      this.scheduleRetry()
    }
  }

  private scheduleRetry() {
    const wait = backoff[Math.min(this.attempt, backoff.length - 1)] ?? 8_000
    this.attempt += 1
    if (this.link.state === "online" || this.link.state === "connecting") {
      clearTimeout(this.offlineTimer)
      this.offlineTimer = setTimeout(() => {
        if (this.link.state === "reconnecting") this.setLink({ ...this.link, state: "offline" })
      }, offlineAfterMs)
    }
    this.setLink({ state: this.link.state === "offline" ? "offline" : "reconnecting", retryAt: Date.now() + wait })
    this.retry = setTimeout(() => this.open(), wait)
  }

  private receive(frame: ServerMessage) {
    switch (frame.type) {
      case "welcome":
        this.attempt = 0
        clearTimeout(this.offlineTimer)
        this.setLink({ state: "online" })
        this.handlers.onWelcome(frame)
        return
      case "event": {
        const id = frame.event.id
        if (id !== null) {
          // The server sends each event once per socket; across sockets the resume protocol and this set keep it once.
          if (this.seenSet.has(id)) return
          this.seenSet.add(id)
          this.seen.push(id)
          if (this.seen.length > keepSeen) {
            const dropped = this.seen.shift()
            if (dropped !== undefined) this.seenSet.delete(dropped)
          }
          this.lastEventId = Math.max(this.lastEventId ?? 0, id)
          this.handlers.onCursor({ lastEventId: this.lastEventId, seen: this.seen })
        }
        this.handlers.onEvent(frame.event)
        return
      }
      case "ack":
      case "error": {
        const ref = frame.ref
        const resolve = ref === undefined ? undefined : this.pending.get(ref)
        if (ref !== undefined) this.pending.delete(ref)
        if (frame.type === "error" && frame.code === "unauthenticated" && ref === undefined) return
        resolve?.(
          frame.type === "ack"
            ? { ok: true, result: frame.result }
            : { ok: false, code: frame.code, reason: frame.reason }
        )
      }
    }
  }
}
