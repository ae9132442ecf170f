import { createDecipheriv } from "node:crypto"
import { Effect, Either, ParseResult, Schema } from "effect"
import type { Context, Hono } from "hono"
import type {
  WireAttachment,
  WireCustomer,
  WireDevice,
  WireEntry,
  WireInteractive,
  WireKind,
  WireReceived,
  WireReply,
  WireRichLink,
  WireThread
} from "./SimControlWire.ts"
import { type CustomerOptions, type LogEntry, NotDelivered, type Received, type SimCustomer } from "./SimCustomer.ts"
import { deviceOf, profileOf, profiles } from "./SimDeviceProfiles.ts"
import * as SimDevices from "./SimDevices.ts"
import * as SimReplies from "./SimReplies.ts"
import { checkReply } from "./SimReplyCheck.ts"
import type { SimState } from "./SimState.ts"

const Device = Schema.Literal("iphone", "ipad", "mac")
const Capabilities = Schema.Array(Schema.String.pipe(Schema.pattern(/^[A-Z0-9]{1,16}$/)))

const SayBody = Schema.Struct({ text: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(10_000)) })
const TypingBody = Schema.Struct({ typing: Schema.Boolean })
const CustomerBody = Schema.Struct({
  id: Schema.optional(Schema.String.pipe(Schema.pattern(/^urn:mbid:[A-Za-z0-9+/=_-]{1,200}$/))),
  device: Schema.optional(Device),
  capabilities: Schema.optional(Capabilities),
  email: Schema.optional(Schema.String.pipe(Schema.pattern(/^[^@\s]+@[^@\s]+$/)))
})
const AttachmentBody = Schema.Struct({
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)),
  mimeType: Schema.String.pipe(Schema.pattern(/^[\w.+-]+\/[\w.+-]+$/)),
  data: Schema.String.pipe(Schema.maxLength(14_000_000)),
  text: Schema.optional(Schema.String.pipe(Schema.maxLength(10_000)))
})
const Succeed = Schema.optionalWith(Schema.Boolean, { default: () => true })
const ReplyBody = Schema.Union(
  Schema.Struct({
    kind: Schema.Literal("listPicker"),
    identifiers: Schema.Array(Schema.String).pipe(Schema.minItems(1))
  }),
  Schema.Struct({ kind: Schema.Literal("timePicker"), slot: Schema.String }),
  Schema.Struct({ kind: Schema.Literal("quickReply"), identifier: Schema.String }),
  Schema.Struct({
    kind: Schema.Literal("form"),
    answers: Schema.Record({ key: Schema.String, value: Schema.Union(Schema.String, Schema.Array(Schema.String)) })
  }),
  Schema.Struct({ kind: Schema.Literal("authenticate"), succeed: Succeed }),
  Schema.Struct({ kind: Schema.Literal("payment"), succeed: Succeed }),
  Schema.Struct({
    kind: Schema.Literal("iMessageApp"),
    query: Schema.Record({ key: Schema.String, value: Schema.String }),
    summary: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(512))
  })
)

/** Reads a JSON body with a Schema; the Left is a message naming the field. */
const body = async <A, I>(c: Context, schema: Schema.Schema<A, I>): Promise<Either.Either<A, string>> => {
  const raw: unknown = await c.req.json().catch(() => undefined)
  if (raw === undefined) return Either.left("expected a JSON body")
  // The deepest issue names the field (a union's alternatives all fail at `kind` first). The
  // simulator stands apart from Parley's edge, so it words its own errors (`http/` is not imported).
  return Schema.decodeUnknownEither(schema, { errors: "all" })(raw).pipe(
    Either.mapLeft((error) => {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
      const deepest = issues.reduce((a, b) => (b.path.length > a.path.length ? b : a), issues[0]!)
      const field = deepest.path.map(String).join(".") || "body"
      return `${field}: ${deepest.message.replace(/\s+/g, " ")}`
    })
  )
}

const kindOf = (r: Received): WireKind => {
  const t = r.message.type
  if (t === "typing_start") return "typingStart"
  if (t === "typing_end") return "typingEnd"
  if (t !== "interactive") return t
  const data = r.interactive?.data
  if (data?.listPicker !== undefined) return "listPicker"
  if (data?.event !== undefined) return "timePicker"
  if (data?.["quick-reply"] !== undefined) return "quickReply"
  if (data?.dynamic !== undefined) return "form"
  if (data?.authenticate !== undefined) return "authenticate"
  if (data?.payment !== undefined) return "payment"
  return "iMessageApp"
}

const attachmentsOf = (customerId: string, entry: LogEntry & { direction: "in" }): ReadonlyArray<WireAttachment> => {
  const message = entry.received.message
  if (message.type !== "text" || message.attachments === undefined) return []
  return message.attachments.map((a, n) => ({
    name: a.name ?? "file",
    mimeType: ("mimeType" in a ? a.mimeType : a["mime-type"]) ?? "application/octet-stream",
    size: Number("size" in a ? a.size : a["file-size"]),
    path: `customers/${encodeURIComponent(customerId)}/messages/${encodeURIComponent(message.id)}/attachments/${n}`
  }))
}

const receivedOf = (customerId: string, entry: LogEntry & { direction: "in" }): WireReceived => {
  const r = entry.received
  const m = r.message
  const attachments = attachmentsOf(customerId, entry)
  return {
    direction: "in",
    seq: entry.seq,
    at: entry.at,
    id: m.id,
    type: m.type,
    kind: kindOf(r),
    ...(m.type === "text" ? { body: m.body } : {}),
    ...(r.interactive?.receivedMessage?.title !== undefined ? { title: r.interactive.receivedMessage.title } : {}),
    ...(m.type === "richLink" ? { richLinkData: m.richLinkData as WireRichLink } : {}),
    ...(r.interactive !== undefined ? { interactive: r.interactive as WireInteractive } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    ...(r.autoReply !== undefined ? { autoReply: r.autoReply } : {}),
    ...(r.mspAgent !== undefined ? { mspAgent: r.mspAgent } : {})
  }
}

const entryOf = (customerId: string, entry: LogEntry): WireEntry => {
  if (entry.direction === "in") return receivedOf(customerId, entry)
  const f = entry.fields
  const type = f.type === "close" ? "close" : f.type === "interactive" ? "interactive" : "text"
  const attachments = Array.isArray(f.attachments)
    ? (f.attachments as ReadonlyArray<{ name: string; mimeType: string; size: number }>).map((a) => ({
        name: a.name,
        mimeType: a.mimeType,
        size: a.size
      }))
    : []
  return {
    direction: "out",
    seq: entry.seq,
    at: entry.at,
    id: entry.id,
    type,
    ...(typeof f.body === "string" ? { body: f.body } : {}),
    ...(entry.replyTo !== undefined ? { replyTo: entry.replyTo } : {}),
    ...(entry.summary !== undefined ? { summary: entry.summary } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
    delivered: entry.status >= 200 && entry.status <= 299,
    status: entry.status
  }
}

const decrypt = (bytes: Uint8Array, key: string): Buffer => {
  const raw = Buffer.from(key.length === 66 ? key.slice(2) : key, "hex")
  const decipher = createDecipheriv("aes-256-ctr", raw, Buffer.alloc(16))
  return Buffer.concat([decipher.update(bytes), decipher.final()])
}

const replyWith = (
  state: SimState,
  customer: SimCustomer,
  received: Received,
  reply: WireReply
): Effect.Effect<string, NotDelivered> => {
  switch (reply.kind) {
    case "listPicker":
      return SimReplies.pickFromList(customer, received, reply.identifiers)
    case "timePicker":
      return SimReplies.pickTime(customer, received, reply.slot)
    case "quickReply":
      return SimReplies.quickReply(customer, received, reply.identifier)
    case "form":
      return SimReplies.submitForm(customer, received, reply.answers)
    case "authenticate":
      return SimReplies.authenticate(state, customer, received, reply.succeed)
    case "payment":
      return SimReplies.pay(customer, received, reply.succeed)
    case "iMessageApp":
      return SimReplies.replyFromApp(customer, received, reply.query, reply.summary)
  }
}

export interface ControlCustomers {
  readonly add: (options?: CustomerOptions) => SimCustomer
  readonly get: (id: string) => SimCustomer | undefined
}

/**
 * Drives simulated customers over HTTP: the demo device page (through Parley's `/device/api`), the
 * terminal chat and curl against a standalone simulator. Everything the customer received comes back
 * in full (`/received`, `/thread`), and every kind of answer a device gives can be sent (`/reply`).
 * `POST /sim/customers/<opaque id>/say {"text": "…"}` still creates the customer on first use.
 */
export const routes = (app: Hono, customers: ControlCustomers, state: SimState): void => {
  const devices = new Map<string, WireDevice>()
  const describe = (customer: SimCustomer): WireCustomer => ({
    id: customer.id,
    device: deviceOf(customer.deviceAgent, devices.get(customer.id)),
    deviceAgent: customer.deviceAgent,
    capabilities: customer.capabilities,
    email: customer.email,
    closed: customer.closed
  })
  const sent = (c: Context, effect: Effect.Effect<string, NotDelivered>, after?: (id: string) => void) =>
    // A delivery that throws (the MSP reset the connection) is "Not Delivered" too, not a crash.
    Effect.runPromise(
      Effect.either(
        effect.pipe(Effect.catchAllDefect((defect) => new NotDelivered({ status: 599, body: String(defect) })))
      )
    ).then((result) => {
      if (result._tag === "Left")
        return c.json({ error: "not delivered", status: result.left.status, body: result.left.body }, 502)
      after?.(result.right)
      return c.json({ messageId: result.right }, 202)
    })
  const withCustomer =
    (handler: (c: Context, customer: SimCustomer) => Response | Promise<Response>) => (c: Context) => {
      const customer = customers.get(c.req.param("id") ?? "")
      if (customer === undefined) return c.json({ error: "no such customer" }, 404)
      return handler(c, customer)
    }

  app.get("/sim/devices", (c) => c.json(profiles))

  /** Opens a customer's device: creates it (a new guest when no `id`) or switches its device. */
  app.post("/sim/customers", async (c) => {
    const parsed = await body(c, CustomerBody)
    if (Either.isLeft(parsed)) return c.json({ error: parsed.left }, 400)
    const { id, device, capabilities, email } = parsed.right
    const profile = device === undefined ? undefined : profileOf(device)
    const existing = id === undefined ? undefined : customers.get(id)
    const customer =
      existing ??
      customers.add({
        ...(id !== undefined ? { id } : {}),
        ...(profile !== undefined ? { deviceAgent: profile.deviceAgent, capabilities: profile.capabilities } : {}),
        ...(email !== undefined ? { email } : {})
      })
    if (profile !== undefined) {
      customer.deviceAgent = profile.deviceAgent
      customer.device = SimDevices.profileOf(profile.deviceAgent)
      customer.capabilities = capabilities ?? profile.capabilities
      devices.set(customer.id, profile.device)
    } else if (capabilities !== undefined) customer.capabilities = capabilities
    if (email !== undefined) customer.email = email
    return c.json(describe(customer), existing === undefined ? 201 : 200)
  })

  app.get(
    "/sim/customers/:id",
    withCustomer((c, customer) => c.json(describe(customer)))
  )

  app.post("/sim/customers/:id/say", async (c) => {
    const parsed = await body(c, SayBody)
    if (Either.isLeft(parsed)) return c.json({ error: `expected JSON {"text": "…"}: ${parsed.left}` }, 400)
    const id = c.req.param("id")
    const customer = customers.get(id) ?? customers.add({ id })
    return sent(c, customer.say(parsed.right.text))
  })

  app.post(
    "/sim/customers/:id/typing",
    withCustomer(async (c, customer) => {
      const parsed = await body(c, TypingBody)
      if (Either.isLeft(parsed)) return c.json({ error: parsed.left }, 400)
      return sent(c, customer.send({ type: parsed.right.typing ? "typing_start" : "typing_end" }))
    })
  )

  app.post(
    "/sim/customers/:id/close",
    withCustomer((c, customer) => sent(c, customer.close()))
  )

  app.post(
    "/sim/customers/:id/attachments",
    withCustomer(async (c, customer) => {
      const parsed = await body(c, AttachmentBody)
      if (Either.isLeft(parsed)) return c.json({ error: parsed.left }, 400)
      const data = new Uint8Array(Buffer.from(parsed.right.data, "base64"))
      if (data.length === 0) return c.json({ error: "data: must be a non-empty Base64 file" }, 400)
      const file = { name: parsed.right.name, mimeType: parsed.right.mimeType, data }
      return sent(c, customer.sendAttachment(file, parsed.right.text ?? ""))
    })
  )

  app.get(
    "/sim/customers/:id/received",
    withCustomer((c, customer) =>
      c.json(customer.log.flatMap((e) => (e.direction === "in" ? [receivedOf(customer.id, e)] : [])))
    )
  )

  /** The conversation (both sides) changed since revision `since`, and the simulator's violations. */
  app.get(
    "/sim/customers/:id/thread",
    withCustomer((c, customer) => {
      const since = Number(c.req.query("since") ?? "0")
      if (!Number.isInteger(since) || since < 0) return c.json({ error: "since: must be a revision number" }, 400)
      const thread: WireThread & { readonly rev: number } = {
        customer: describe(customer),
        rev: customer.rev,
        entries: customer.log.filter((e) => e.rev > since).map((e) => entryOf(customer.id, e)),
        violations: state.violations
      }
      return c.json(thread)
    })
  )

  app.post(
    "/sim/customers/:id/messages/:messageId/reply",
    withCustomer(async (c, customer) => {
      const messageId = c.req.param("messageId") ?? ""
      const received = customer.received.find((r) => r.message.id === messageId)
      if (received?.interactive === undefined)
        return c.json({ error: "messageId: no interactive message with this id was received" }, 404)
      const parsed = await body(c, ReplyBody)
      if (Either.isLeft(parsed)) return c.json({ error: parsed.left }, 400)
      const answered = customer.log.some((e) => e.direction === "out" && e.replyTo === messageId)
      if (parsed.right.kind === "quickReply" && answered)
        return c.json({ error: "this quick reply was already answered" }, 409)
      const problem = checkReply(received.interactive as WireInteractive, parsed.right, customer)
      if (problem !== undefined) return c.json({ error: problem }, 400)
      return sent(c, replyWith(state, customer, received, parsed.right), (id) => customer.markReply(id, messageId))
    })
  )

  /** A file the business sent, decrypted as the device shows it. */
  app.get(
    "/sim/customers/:id/messages/:messageId/attachments/:n",
    withCustomer((c, customer) => {
      const message = customer.received.find((r) => r.message.id === c.req.param("messageId"))?.message
      const attachment = message?.type === "text" ? message.attachments?.[Number(c.req.param("n") ?? "-1")] : undefined
      if (attachment === undefined) return c.json({ error: "no such attachment" }, 404)
      const url = ("url" in attachment ? attachment.url : attachment["mmcs-url"]) ?? ""
      const key = ("key" in attachment ? attachment.key : attachment["decryption-key"]) ?? ""
      const blob = state.blobs.get(url)
      if (blob === undefined) return c.json({ error: "the attachment is no longer stored" }, 410)
      const mimeType =
        ("mimeType" in attachment ? attachment.mimeType : attachment["mime-type"]) ?? "application/octet-stream"
      return new Response(new Uint8Array(decrypt(blob.bytes, key)), {
        headers: {
          "content-type": mimeType,
          "content-disposition": `inline; filename="${(attachment.name ?? "file").replace(/["\\\r\n]/g, "_")}"`
        }
      })
    })
  )
}
