import type { JsMsg } from "@nats-io/jetstream"
import type { Msg, MsgHdrs } from "@nats-io/transport-node"
import { headers as natsHeaders } from "@nats-io/transport-node"
import { Effect } from "effect"
import type { BusMessage, Delivery, Headers } from "../Bus.ts"
import { BusError } from "../Bus.ts"
import { millis } from "./busDurations.ts"
import { tryNats, tryNatsSync } from "./natsErrors.ts"

export const toNatsHeaders = (headers: Headers | undefined): MsgHdrs | undefined => {
  if (headers === undefined || Object.keys(headers).length === 0) return undefined
  const result = natsHeaders()
  for (const [key, value] of Object.entries(headers)) result.set(key, value)
  return result
}

export const fromNatsHeaders = (headers: MsgHdrs | undefined): Headers => {
  const result: Record<string, string> = {}
  for (const key of headers?.keys() ?? []) result[key] = headers?.last(key) ?? ""
  return result
}

/** Only sets `headers` when there are some: `exactOptionalPropertyTypes` forbids an explicit undefined. */
export const withHeaders = (headers: Headers | undefined): { headers?: MsgHdrs } => {
  const converted = toNatsHeaders(headers)
  return converted === undefined ? {} : { headers: converted }
}

export const toBusMessage = (msg: Msg): BusMessage => ({
  subject: msg.subject,
  data: msg.data,
  headers: fromNatsHeaders(msg.headers),
  respond: (data, headers) =>
    msg.reply === undefined || msg.reply === ""
      ? Effect.fail(new BusError({ operation: "respond", message: `message on ${msg.subject} has no reply subject` }))
      : tryNatsSync({ operation: "respond", subject: msg.reply }, () => {
          msg.respond(data, withHeaders(headers))
        })
})

export const toDelivery = (msg: JsMsg, stream: string, consumer: string): Delivery => {
  const context = { stream, consumer, subject: msg.subject }
  return {
    subject: msg.subject,
    data: msg.data,
    headers: fromNatsHeaders(msg.headers),
    seq: msg.seq,
    deliveryCount: msg.info.deliveryCount,
    // `ackAck` returns false when this message was already acked: nothing left to do then.
    ack: Effect.asVoid(tryNats({ ...context, operation: "ack" }, () => msg.ackAck(), ["ConsumerGone"])),
    ackNoWait: tryNatsSync({ ...context, operation: "ack" }, () => msg.ack()),
    working: tryNatsSync({ ...context, operation: "working" }, () => msg.working()),
    // nats-server 2.9 only recognises a bare "+TERM" (a reason suffix, 2.10+, is silently ignored
    // and the message keeps coming back), so the reason stays with the caller's dead letter.
    term: () => tryNatsSync({ ...context, operation: "term" }, () => msg.term()),
    nak: (delay) =>
      tryNatsSync({ ...context, operation: "nak" }, () => msg.nak(delay === undefined ? undefined : millis(delay)))
  }
}
