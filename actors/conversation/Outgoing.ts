import { Context, Effect, type ParseResult } from "effect"
import * as Turn from "../../runtime/Turn.ts"
import { AppleOutbound, type Message, type Part, Send, SendAll, senderId } from "../apple/AppleOutboundProtocol.ts"

/** Whom a part goes to. */
export interface Addressee {
  readonly businessId: string
  readonly opaqueId: string
  readonly locale: string | undefined
}

interface Pending {
  readonly to: Addressee
  readonly parts: Array<Part>
}

export interface OutgoingShape {
  /** Queues one part of this turn's answer to the customer's Apple sender. */
  readonly add: (to: Addressee, part: Part) => void
  /** Tells the sender everything queued so far as one message (`SendAll`). */
  readonly flush: Effect.Effect<void, ParseResult.ParseError, Turn.Turn>
}

/**
 * The parts a conversation turn sends to the customer, gathered so the whole answer reaches the
 * customer's Apple sender as one message (one turn there) instead of one per part. Provided by
 * `collect` around a conversation turn.
 */
export class Outgoing extends Context.Tag("parley/actors/conversation/Outgoing")<Outgoing, OutgoingShape>() {}

const sameSender = (a: Addressee, b: Addressee) =>
  a.businessId === b.businessId && a.opaqueId === b.opaqueId && a.locale === b.locale

const make = (): OutgoingShape => {
  const pending: Array<Pending> = []
  return {
    add: (to, part) => {
      const last = pending.at(-1)
      if (last !== undefined && sameSender(last.to, to)) last.parts.push(part)
      else pending.push({ to, parts: [part] })
    },
    flush: Effect.suspend(() => {
      const batches = pending.splice(0)
      return Effect.forEach(
        batches,
        ({ to, parts }) => {
          const [first, ...rest] = parts
          if (first === undefined) return Effect.void
          const common = { businessId: to.businessId, customerId: to.opaqueId, ...localeOf(to) }
          // Built from values already typed; the tell encodes (and so checks) them.
          const message =
            rest.length === 0
              ? Send.make({ ...common, ...first }, { disableValidation: true })
              : SendAll.make({ ...common, parts: [first, ...rest] }, { disableValidation: true })
          return Turn.tell(AppleOutbound, senderId(to.businessId, to.opaqueId), message)
        },
        { discard: true }
      )
    })
  }
}

const localeOf = (to: Addressee) => (to.locale !== undefined ? { locale: to.locale } : {})

/** Runs a turn with an `Outgoing` and tells what it gathered once the turn has run. */
export const collect = <A, E, R>(
  turn: Effect.Effect<A, E, R>
): Effect.Effect<A, E | ParseResult.ParseError, Exclude<R, Outgoing> | Turn.Turn> => {
  const outgoing = make()
  return Effect.zipLeft(Effect.provideService(turn, Outgoing, outgoing), outgoing.flush)
}

/**
 * Queues a part when the turn gathers them, else tells it at once (a caller outside a
 * conversation turn).
 */
export const send = (to: Addressee, part: Part): Effect.Effect<void, ParseResult.ParseError, Turn.Turn> =>
  Effect.flatMap(Effect.serviceOption(Outgoing), (outgoing) => {
    if (outgoing._tag === "Some") return Effect.sync(() => outgoing.value.add(to, part))
    return Turn.tell(
      AppleOutbound,
      senderId(to.businessId, to.opaqueId),
      Send.make(
        { businessId: to.businessId, customerId: to.opaqueId, ...localeOf(to), ...part },
        { disableValidation: true }
      )
    )
  })

/** Any other message to the customer's sender: what was gathered goes first, so order is kept. */
export const tellSender = (
  to: Pick<Addressee, "businessId" | "opaqueId">,
  message: Message
): Effect.Effect<void, ParseResult.ParseError, Turn.Turn> =>
  Effect.zipRight(
    Effect.flatMap(Effect.serviceOption(Outgoing), (outgoing) =>
      outgoing._tag === "Some" ? outgoing.value.flush : Effect.void
    ),
    Turn.tell(AppleOutbound, senderId(to.businessId, to.opaqueId), message)
  )
