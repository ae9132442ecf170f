import type { AgentEvent } from "../../actors/agent/AgentEvent.ts"
import type { Welcome } from "../shared/socket.ts"
import type { Line } from "../shared/Transcript.tsx"

/**
 * The workspace as a fold of the agent's socket events: the welcome's status, then every event
 * in turn. Kept in `sessionStorage` with the socket's cursor, so a reload resumes where it was.
 */

type Json = Readonly<Record<string, unknown>>

export interface Customer {
  readonly kind: string
  readonly id: string
  readonly name: string
  readonly email: string | null
  readonly phone: string | null
  readonly tier: string | null
  readonly account: { readonly id: string; readonly name: string } | null
}

export interface Context {
  readonly interaction: {
    readonly id: string
    readonly number: string
    readonly intent: string | null
    readonly group: string | null
    readonly locale: string | null
    readonly topic: string | null
    readonly reason: string | null
    readonly capabilities: ReadonlyArray<string>
    readonly deviceAgent?: string | null
    readonly openedAt: string
  }
  readonly customer: Customer | null
  readonly assets: ReadonlyArray<{
    readonly id: string
    readonly type: string
    readonly productName: string
    readonly maskedNumber: string
    readonly status: string
  }>
  readonly openCases: ReadonlyArray<{
    readonly number: string
    readonly shortDescription: string
    readonly state: string
    readonly openedAt: string
  }>
}

export interface Offer {
  readonly offerId: string
  readonly workItemId: string
  readonly interactionId: string
  readonly queue: string
  readonly expiresAt: number
  readonly context?: Context | undefined
  readonly lines: ReadonlyArray<Line>
}

export type Phase = "live" | "customerClosed" | "wrapUp" | "transferred"

export interface CallBack {
  readonly queue: string
  readonly slots: ReadonlyArray<{ readonly id: string; readonly start: string; readonly label: string }>
  readonly booked?: { readonly scheduledAt: string; readonly followUpNumber: string }
}

export interface Chat {
  readonly interactionId: string
  readonly workItemId: string
  readonly queue: string
  readonly context?: Context | undefined
  readonly lines: ReadonlyArray<Line>
  readonly phase: Phase
  readonly customerTyping: boolean
  readonly unread: number
  readonly lastActivity: string
  readonly cases: ReadonlyArray<string>
  readonly callBack?: CallBack | undefined
  readonly linkedName?: string | undefined
  readonly wrapCode?: string | undefined
}

export interface Notice {
  readonly id: number
  readonly text: string
  readonly tone: "info" | "warn" | "crit"
}

export interface State {
  readonly presence: {
    readonly state: "available" | "away" | "offline"
    readonly label?: string | undefined
    readonly capacity: number
  }
  readonly offers: ReadonlyArray<Offer>
  readonly chats: ReadonlyArray<Chat>
  readonly notices: ReadonlyArray<Notice>
}

export const initial: State = { presence: { state: "offline", capacity: 3 }, offers: [], chats: [], notices: [] }

export type Action =
  | { readonly type: "welcome"; readonly welcome: Welcome }
  | { readonly type: "event"; readonly event: AgentEvent; readonly active: string | undefined }
  | { readonly type: "sending"; readonly interactionId: string; readonly line: Line }
  | {
      readonly type: "sendFailed"
      readonly interactionId: string
      readonly clientMessageId: string
      readonly reason: string
    }
  | { readonly type: "read"; readonly interactionId: string }
  | { readonly type: "wrapCode"; readonly interactionId: string; readonly code: string }
  | { readonly type: "linked"; readonly interactionId: string; readonly name: string }
  | { readonly type: "notice"; readonly text: string; readonly tone: Notice["tone"] }
  | { readonly type: "dismiss"; readonly id: number }

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)

let noticeIds = Date.now()
const notice = (state: State, text: string, tone: Notice["tone"] = "info"): State => ({
  ...state,
  notices: [...state.notices.slice(-4), { id: noticeIds++, text, tone }]
})

/** A transcript line from any of the three shapes (offer context, socket event, REST). */
export const lineOf = (raw: Json): Line => ({
  id: (raw.messageId ?? raw.id) as number,
  direction: raw.direction === "in" ? "in" : "out",
  author: str(raw.authorKind) ?? str(raw.author) ?? "bot",
  kind: str(raw.kind) ?? "text",
  body: obj(raw.body) ?? {},
  at: str(raw.at) ?? str(raw.createdAt) ?? new Date().toISOString()
})

const withChat = (state: State, interactionId: string, f: (chat: Chat) => Chat): State => ({
  ...state,
  chats: state.chats.map((c) => (c.interactionId === interactionId ? f(c) : c))
})

const customerName = (chat: { readonly context?: Context | undefined; readonly linkedName?: string | undefined }) =>
  chat.linkedName ?? chat.context?.customer?.name ?? "Unverified customer"

export const nameOf = customerName

const onEvent = (state: State, event: AgentEvent, active: string | undefined): State => {
  const b = event.body
  const interactionId = str(b.interactionId)
  switch (event.type) {
    case "offer": {
      const offerId = str(b.offerId) ?? ""
      const context = obj(b.context) as Context | undefined
      const transcript = (obj(b.context)?.transcript ?? []) as ReadonlyArray<Json>
      const offer: Offer = {
        offerId,
        workItemId: str(b.workItemId) ?? "",
        interactionId: interactionId ?? "",
        queue: str(b.queue) ?? "",
        expiresAt: Number(b.expiresAt),
        context,
        lines: transcript.map(lineOf)
      }
      return { ...state, offers: [...state.offers.filter((o) => o.offerId !== offerId), offer] }
    }
    case "offerGone":
    case "offerClosed":
      return { ...state, offers: state.offers.filter((o) => o.offerId !== b.offerId) }
    case "offerTimedOut": {
      const offer = state.offers.find((o) => o.offerId === b.offerId)
      const next = { ...state, offers: state.offers.filter((o) => o.offerId !== b.offerId) }
      return offer === undefined
        ? next
        : notice(next, `The offer from ${customerName(offer)} timed out and went to another agent.`, "warn")
    }
    case "assigned": {
      if (state.chats.some((c) => c.interactionId === interactionId)) return state
      const offer = state.offers.find((o) => o.interactionId === interactionId)
      const chat: Chat = {
        interactionId: interactionId ?? "",
        workItemId: str(b.workItemId) ?? "",
        queue: offer?.queue ?? "",
        context: offer?.context,
        lines: offer?.lines ?? [],
        phase: "live",
        customerTyping: false,
        unread: 0,
        lastActivity: event.at,
        cases: []
      }
      return {
        ...state,
        offers: state.offers.filter((o) => o.interactionId !== interactionId),
        chats: [...state.chats, chat]
      }
    }
    case "message": {
      if (interactionId === undefined) return state
      const line = lineOf(b)
      return withChat(state, interactionId, (c) =>
        c.lines.some((l) => l.id === line.id)
          ? c
          : {
              ...c,
              lines: [...c.lines, line],
              customerTyping: line.direction === "in" ? false : c.customerTyping,
              unread: active === interactionId ? 0 : c.unread + 1,
              lastActivity: line.at
            }
      )
    }
    case "typing":
      return interactionId === undefined
        ? state
        : withChat(state, interactionId, (c) => ({ ...c, customerTyping: b.active === true }))
    case "sent": {
      if (interactionId === undefined) return state
      const ids = Array.isArray(b.messageIds) ? (b.messageIds as ReadonlyArray<number>) : []
      return withChat(state, interactionId, (c) => ({
        ...c,
        lines: c.lines.map((l) =>
          l.id === `local-${str(b.clientMessageId)}` ? { ...l, id: ids[0] ?? l.id, status: undefined } : l
        )
      }))
    }
    case "refused": {
      const client = str(b.clientMessageId)
      const reason = str(b.reason) ?? "refused"
      if (interactionId !== undefined && client !== undefined)
        return withChat(state, interactionId, (c) => ({
          ...c,
          lines: c.lines.map((l) =>
            l.id === `local-${client}` ? { ...l, status: "failed" as const, failure: reason } : l
          )
        }))
      return notice(state, `Parley refused that: ${reason}.`, "warn")
    }
    case "customerClosed":
      if (interactionId === undefined) return state
      return notice(
        withChat(state, interactionId, (c) => ({ ...c, phase: "customerClosed", customerTyping: false })),
        `${customerName(state.chats.find((c) => c.interactionId === interactionId) ?? {})} closed the conversation. Wrap up and complete it.`,
        "warn"
      )
    case "interaction": {
      if (interactionId === undefined) return state
      if (b.state === "closed_complete")
        return withChat(state, interactionId, (c) => ({ ...c, phase: "wrapUp", customerTyping: false }))
      if (b.state === "transferred")
        return notice(
          { ...state, chats: state.chats.filter((c) => c.interactionId !== interactionId) },
          "The chat was transferred."
        )
      const caseNumber = str(b.caseNumber)
      if (caseNumber !== undefined)
        return withChat(state, interactionId, (c) => ({
          ...c,
          cases: c.cases.includes(caseNumber) ? c.cases : [...c.cases, caseNumber]
        }))
      return state
    }
    case "callBackOffered":
      if (interactionId === undefined) return state
      return withChat(state, interactionId, (c) => ({
        ...c,
        callBack: { queue: str(b.queue) ?? "", slots: (b.slots ?? []) as CallBack["slots"] }
      }))
    case "callBackBooked":
      if (interactionId === undefined) return state
      return withChat(state, interactionId, (c) => ({
        ...c,
        callBack: {
          queue: str(b.queue) ?? c.callBack?.queue ?? "",
          slots: c.callBack?.slots ?? [],
          booked: { scheduledAt: str(b.scheduledAt) ?? "", followUpNumber: str(b.followUpNumber) ?? "" }
        }
      }))
    case "completed":
      return { ...state, chats: state.chats.filter((c) => c.workItemId !== b.workItemId) }
    case "presence": {
      const value = b.state === "available" || b.state === "away" ? b.state : "offline"
      return {
        ...state,
        presence: {
          state: value,
          label: str(b.label),
          capacity: typeof b.capacity === "number" ? b.capacity : state.presence.capacity
        },
        offers: value === "available" ? state.offers : []
      }
    }
    case "transferFailed":
      return notice(state, `Transfer failed: ${str(b.reason) ?? "unknown reason"}.`, "crit")
    case "resumeTruncated":
      return notice(state, "Some updates were missed while offline; reload the page to see everything.", "warn")
    default:
      return state
  }
}

export const reduce = (state: State, action: Action): State => {
  switch (action.type) {
    case "welcome": {
      const status = obj(action.welcome.status)
      const channel = obj((Array.isArray(status?.channels) ? status.channels : [])[0])
      const pending = (Array.isArray(status?.pending) ? status.pending : []) as ReadonlyArray<Json>
      const pendingIds = new Set(pending.map((p) => str(p.offerId)))
      const presence: State["presence"] =
        channel === undefined
          ? state.presence
          : {
              state: channel.state === "available" ? "available" : channel.state === "away" ? "away" : "offline",
              label: str(channel.label),
              capacity: typeof channel.capacity === "number" ? channel.capacity : state.presence.capacity
            }
      // Offers the actor no longer holds are gone; ones it holds that this page never saw are added.
      const kept = state.offers.filter((o) => pendingIds.has(o.offerId))
      const added = pending
        .filter((p) => !kept.some((o) => o.offerId === p.offerId))
        .map((p) => ({
          offerId: str(p.offerId) ?? "",
          workItemId: str(p.workItemId) ?? "",
          interactionId: str(p.interactionId) ?? "",
          queue: str(p.queue) ?? "",
          expiresAt: Number(p.expiresAt),
          lines: []
        }))
      return { ...state, presence, offers: [...kept, ...added] }
    }
    case "event":
      return onEvent(state, action.event, action.active)
    case "sending":
      return withChat(state, action.interactionId, (c) => ({
        ...c,
        lines: [...c.lines, action.line],
        lastActivity: action.line.at
      }))
    case "sendFailed":
      return withChat(state, action.interactionId, (c) => ({
        ...c,
        lines: c.lines.map((l) =>
          l.id === `local-${action.clientMessageId}` ? { ...l, status: "failed" as const, failure: action.reason } : l
        )
      }))
    case "read":
      return withChat(state, action.interactionId, (c) => ({ ...c, unread: 0 }))
    case "wrapCode":
      return withChat(state, action.interactionId, (c) => ({ ...c, wrapCode: action.code }))
    case "linked":
      return withChat(state, action.interactionId, (c) => ({ ...c, linkedName: action.name }))
    case "notice":
      return notice(state, action.text, action.tone)
    case "dismiss":
      return { ...state, notices: state.notices.filter((n) => n.id !== action.id) }
  }
}
