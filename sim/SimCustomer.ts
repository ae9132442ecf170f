import { randomBytes, randomUUID } from "node:crypto"
import { gzipSync } from "node:zlib"
import { Data, Effect, Queue } from "effect"
import { encryptAttachment } from "../apple/AppleCrypto.ts"
import { signInbound } from "../apple/AppleJwt.ts"
import { IDR_THRESHOLD, jsonSize } from "../apple/DataRef.ts"
import type { InteractiveData } from "../apple/Interactive.ts"
import type { OutboundMessage } from "../apple/OutboundMessage.ts"
import * as Tapback from "../apple/Tapback.ts"
import type { SimState } from "./SimState.ts"

/** The MSP did not answer 2xx: the device would show "Not Delivered". */
export class NotDelivered extends Data.TaggedError("NotDelivered")<{
  readonly status: number
  readonly body: string
}> {}

export interface Received {
  readonly message: OutboundMessage
  /** The interactive data, resolved when it came by reference. */
  readonly interactive?: InteractiveData
  readonly autoReply: boolean | undefined
  readonly mspAgent: string | undefined
}

export interface CustomerOptions {
  readonly id?: string
  readonly businessId?: string
  readonly deviceAgent?: string
  readonly capabilities?: ReadonlyArray<string>
  readonly locale?: string
  readonly intent?: string
  readonly group?: string
  /** What the identity provider says about this customer after sign-in. */
  readonly email?: string
}

export interface Delivery {
  readonly status: number
  readonly body: string
}

export type Deliver = (request: Request) => Promise<Response>

/** A fake device: sends signed, gzipped webhooks to the MSP and keeps what the business sends it. */
export class SimCustomer {
  readonly id: string
  readonly businessId: string
  readonly deviceAgent: string
  readonly capabilities: ReadonlyArray<string>
  readonly email: string
  readonly received: Array<Received> = []
  /** Set by `close()`, cleared when the customer writes again. */
  closed = false
  private started = false
  private readonly inbox = Effect.runSync(Queue.unbounded<Received>())

  constructor(
    private readonly state: SimState,
    private readonly deliver: Deliver,
    private readonly options: CustomerOptions
  ) {
    this.id = options.id ?? `urn:mbid:${randomBytes(32).toString("base64")}`
    this.businessId = options.businessId ?? state.settings.businessIds[0] ?? ""
    this.deviceAgent = options.deviceAgent ?? "iPhone OS"
    this.capabilities = options.capabilities ?? ["QUICK", "LIST", "TIME", "AUTH2", "FORM"]
    this.email = options.email ?? `${this.id.slice(-8).replace(/[^a-z0-9]/gi, "x")}@customer.example`
  }

  /** Called by the fake gateway when a business message reaches this device. */
  receive(received: Received): void {
    this.received.push(received)
    this.inbox.unsafeOffer(received)
  }

  /** The next message the business sends (waits for it). */
  readonly next = (predicate: (r: Received) => boolean = () => true): Effect.Effect<Received> =>
    Effect.gen(this, function* () {
      while (true) {
        const r = yield* Queue.take(this.inbox)
        if (predicate(r)) return r
      }
    })

  /** POSTs a raw inbound body as Apple would; `headers` override or (with `undefined`) drop defaults. */
  readonly post = (
    body: Record<string, unknown>,
    headers: Readonly<Record<string, string | undefined>> = {}
  ): Effect.Effect<Delivery> =>
    Effect.gen(this, function* () {
      const token = yield* signInbound(this.state.key, this.state.settings.mspId, Math.floor(Date.now() / 1000))
      const all: Record<string, string | undefined> = {
        authorization: `Bearer ${token}`,
        id: typeof body.id === "string" ? body.id : undefined,
        "source-id": this.id,
        "destination-id": this.businessId,
        "capability-list": this.capabilities.join(","),
        "device-agent": this.deviceAgent,
        "content-encoding": "gzip",
        "content-type": "application/octet-stream",
        ...headers
      }
      const defined = Object.entries(all).flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as const]))
      const request = new Request(`http://msp.invalid/message`, {
        method: "POST",
        headers: Object.fromEntries(defined),
        body: gzipSync(JSON.stringify(body))
      })
      return yield* Effect.promise(async () => {
        const response = await this.deliver(request)
        return { status: response.status, body: await response.text() }
      })
    })

  /** Sends one message of this customer (common fields added); fails when the MSP refuses it. */
  readonly send = (fields: Record<string, unknown>): Effect.Effect<string, NotDelivered> =>
    Effect.gen(this, function* () {
      const id = randomUUID()
      const first = this.started
        ? {}
        : {
            ...(this.options.locale !== undefined ? { locale: this.options.locale } : {}),
            ...(this.options.intent !== undefined ? { intent: this.options.intent } : {}),
            ...(this.options.group !== undefined ? { group: this.options.group } : {})
          }
      const delivery = yield* this.post({
        v: 1,
        id,
        sourceId: this.id,
        destinationId: this.businessId,
        ...first,
        ...fields
      })
      if (delivery.status < 200 || delivery.status > 299) return yield* new NotDelivered(delivery)
      if (fields.type !== "typing_start" && fields.type !== "typing_end") this.started = true
      if (fields.type === "text" || fields.type === "interactive") this.closed = false
      return id
    })

  /** Typing indicator, then the text (what a device does, §3.5). */
  readonly say = (body: string): Effect.Effect<string, NotDelivered> =>
    Effect.zipRight(this.send({ type: "typing_start" }), this.send({ type: "text", body }))

  readonly tapback = (tapback: Tapback.Tapback): Effect.Effect<string, NotDelivered> =>
    this.send({ type: "text", body: Tapback.sentence(tapback) })

  /** The customer deletes the conversation. */
  readonly close = (): Effect.Effect<string, NotDelivered> =>
    Effect.tap(this.send({ type: "close" }), () =>
      Effect.sync(() => {
        this.closed = true
      })
    )

  /** Encrypts a file into the fake store and sends it (with a U+FFFC per attachment in the body). */
  readonly sendAttachment = (
    file: { readonly name: string; readonly mimeType: string; readonly data: Uint8Array },
    text = ""
  ): Effect.Effect<string, NotDelivered> => {
    const encrypted = encryptAttachment(file.data)
    const stored = this.state.store(encrypted.ciphertext)
    const attachment = {
      name: file.name,
      mimeType: file.mimeType,
      size: encrypted.ciphertext.length,
      key: encrypted.key,
      url: stored.url,
      owner: stored.owner,
      signature: Buffer.from(stored.checksum, "base64").toString("hex").toUpperCase(),
      "signature-base64": stored.checksum
    }
    return this.send({ type: "text", body: `${text}\uFFFC`, attachments: [attachment] })
  }

  /** Sends an interactive reply, by reference when it is over 10 KB (as Apple does). */
  readonly replyInteractive = (interactiveData: Record<string, unknown>): Effect.Effect<string, NotDelivered> => {
    if (jsonSize(interactiveData) <= IDR_THRESHOLD) return this.send({ type: "interactive", interactiveData })
    const encrypted = encryptAttachment(gzipSync(JSON.stringify(interactiveData)))
    const stored = this.state.store(encrypted.ciphertext)
    const title = (interactiveData.receivedMessage as { readonly title?: string } | undefined)?.title
    return this.send({
      type: "interactive",
      interactiveDataRef: {
        bid: interactiveData.bid,
        url: stored.url,
        owner: stored.owner,
        key: encrypted.key,
        size: encrypted.ciphertext.length,
        signature: Buffer.from(stored.checksum, "base64").toString("hex").toUpperCase(),
        "signature-base64": stored.checksum,
        ...(title !== undefined ? { title } : {})
      }
    })
  }

  /** Forgets what was received (between test steps). */
  readonly clearReceived = (): Effect.Effect<void> =>
    Effect.sync(() => {
      this.received.length = 0
    }).pipe(Effect.zipRight(Queue.takeAll(this.inbox)), Effect.asVoid)
}
