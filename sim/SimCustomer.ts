import { randomBytes, randomUUID } from "node:crypto"
import { gzipSync } from "node:zlib"
import { Data, Effect, Queue } from "effect"
import { encrypt } from "./SimCrypto.ts"
import { type Device, type DeviceProfile, devices, profileOf } from "./SimDevices.ts"
import { signWebhookToken } from "./SimJwt.ts"
import type { SimState } from "./SimState.ts"
import { IDR_THRESHOLD, type InteractiveData, jsonSize, type Message } from "./SimWire.ts"

/** A reaction as the device puts it into a text (English, as seen in the wild; docs/apple.md, "Tapbacks"). */
export interface Tapback {
  readonly reaction: "liked" | "loved" | "laughed" | "emphasized" | "questioned" | "disliked" | "emoji"
  readonly emoji?: string
  /** Quoted text of the message reacted to, or a description like `an image`. */
  readonly target: string
}

const described = /^(an? (image|video|audio message|attachment|sticker)|\d+ Business Messages?)$/

export const tapbackSentence = (tapback: Tapback): string => {
  const target = described.test(tapback.target) ? tapback.target : `“${tapback.target}”`
  if (tapback.reaction === "emoji") return `Reacted ${tapback.emoji ?? "👍"} to ${target}`
  if (tapback.reaction === "laughed") return `Laughed at ${target}`
  return `${tapback.reaction.charAt(0).toUpperCase()}${tapback.reaction.slice(1)} ${target}`
}

/** The MSP did not answer 2xx: the device would show "Not Delivered". */
export class NotDelivered extends Data.TaggedError("NotDelivered")<{
  readonly status: number
  readonly body: string
}> {}

export interface Received {
  readonly message: Message
  /** The interactive data, resolved when it came by reference. */
  readonly interactive?: InteractiveData
  readonly autoReply: boolean | undefined
  readonly mspAgent: string | undefined
}

export interface CustomerOptions {
  readonly id?: string
  readonly businessId?: string
  /** The device, with its real capabilities (default an iPhone); `deviceAgent`/`capabilities` override. */
  readonly device?: Device
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

/**
 * One step of the conversation as the device saw it, in order: a business message received, or
 * something the customer sent (kept with the MSP's answer). `rev` grows whenever an entry is added
 * or changes, so a page can ask for what changed since it last looked.
 */
export type LogEntry =
  | { readonly direction: "in"; readonly seq: number; rev: number; readonly at: string; readonly received: Received }
  | {
      readonly direction: "out"
      readonly seq: number
      rev: number
      readonly at: string
      readonly id: string
      readonly fields: Record<string, unknown>
      /** The reply bubble's title, for interactive answers. */
      readonly summary?: string
      /** The business message this answers, once known. */
      replyTo?: string
      /** The MSP's status; 0 while the delivery is on its way. */
      status: number
    }

/** A fake device: sends signed, gzipped webhooks to the MSP and keeps what the business sends it. */
export class SimCustomer {
  readonly id: string
  readonly businessId: string
  /** The device can change (the demo device page switches between iPhone, iPad and Mac). */
  deviceAgent: string
  capabilities: ReadonlyArray<string>
  device: DeviceProfile
  email: string
  /** Every webhook attempt's answer, resends included (tests read it). */
  readonly attempts: Array<{ readonly id: string; readonly status: number }> = []
  readonly received: Array<Received> = []
  /** Everything received and sent, in order (the control routes' thread). */
  readonly log: Array<LogEntry> = []
  private revision = 0
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
    const profile =
      options.device !== undefined
        ? devices[options.device]
        : options.deviceAgent !== undefined
          ? profileOf(options.deviceAgent)
          : devices.iphone
    this.device = profile
    this.deviceAgent = options.deviceAgent ?? profile.deviceAgent
    this.capabilities = options.capabilities ?? profile.capabilities
    this.email = options.email ?? `${this.id.slice(-8).replace(/[^a-z0-9]/gi, "x")}@customer.example`
  }

  /** Called by the fake gateway when a business message reaches this device. */
  receive(received: Received): void {
    this.received.push(received)
    const rev = this.bump()
    this.log.push({ direction: "in", seq: this.log.length, rev, at: new Date().toISOString(), received })
    this.inbox.unsafeOffer(received)
  }

  /** The latest revision of the log. */
  get rev(): number {
    return this.revision
  }

  private bump(): number {
    this.revision += 1
    return this.revision
  }

  /** Records which business message a sent answer replied to. */
  markReply(sentId: string, replyTo: string): void {
    const entry = this.log.find((e) => e.direction === "out" && e.id === sentId)
    if (entry === undefined || entry.direction !== "out") return
    entry.replyTo = replyTo
    entry.rev = this.bump()
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
      const token = yield* Effect.promise(() =>
        signWebhookToken(this.state.key, this.state.settings.mspId, Math.floor(Date.now() / 1000))
      )
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

  /**
   * POSTs until the MSP answers 2xx: an answer of 5xx or none at all is sent again with the same
   * `id`, up to the configured resends; a 4xx is final (the device shows "Not Delivered").
   */
  private readonly deliverWithResends = (body: Record<string, unknown>): Effect.Effect<Delivery> =>
    Effect.gen(this, function* () {
      const id = String(body.id)
      let delivery = yield* this.post(body)
      this.attempts.push({ id, status: delivery.status })
      for (let resend = 0; resend < this.state.settings.resendAttempts; resend++) {
        if (delivery.status < 500) return delivery
        yield* Effect.sleep(this.state.settings.resendDelayMs)
        delivery = yield* this.post(body)
        this.attempts.push({ id, status: delivery.status })
      }
      return delivery
    })

  /** Sends one message of this customer (common fields added); fails when the MSP refuses it. */
  readonly send = (fields: Record<string, unknown>, summary?: string): Effect.Effect<string, NotDelivered> =>
    Effect.gen(this, function* () {
      const id = randomUUID()
      // Typing is not a step of the conversation; the rest takes its place before it is posted,
      // so a business answer that arrives before the MSP's 200 still comes after it.
      const entry =
        fields.type === "typing_start" || fields.type === "typing_end"
          ? undefined
          : {
              direction: "out" as const,
              seq: this.log.length,
              rev: this.bump(),
              at: new Date().toISOString(),
              id,
              fields,
              ...(summary !== undefined ? { summary } : {}),
              status: 0
            }
      if (entry !== undefined) this.log.push(entry)
      const first = this.started
        ? {}
        : {
            ...(this.options.locale !== undefined ? { locale: this.options.locale } : {}),
            ...(this.options.intent !== undefined ? { intent: this.options.intent } : {}),
            ...(this.options.group !== undefined ? { group: this.options.group } : {})
          }
      const delivery = yield* this.deliverWithResends({
        v: 1,
        id,
        sourceId: this.id,
        destinationId: this.businessId,
        ...first,
        ...fields
      })
      if (entry !== undefined) {
        entry.status = delivery.status
        entry.rev = this.bump()
      }
      if (delivery.status < 200 || delivery.status > 299) return yield* new NotDelivered(delivery)
      if (fields.type !== "typing_start" && fields.type !== "typing_end") this.started = true
      if (fields.type === "text" || fields.type === "interactive") this.closed = false
      return id
    })

  /** Typing indicator, then the text (what a device does, docs/apple.md). */
  readonly say = (body: string): Effect.Effect<string, NotDelivered> =>
    Effect.zipRight(this.send({ type: "typing_start" }), this.send({ type: "text", body }))

  readonly tapback = (tapback: Tapback): Effect.Effect<string, NotDelivered> =>
    this.send({ type: "text", body: tapbackSentence(tapback) })

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
    const encrypted = encrypt(file.data)
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
    const summary = (interactiveData.replyMessage as { readonly title?: string } | undefined)?.title
    if (jsonSize(interactiveData) <= IDR_THRESHOLD) return this.send({ type: "interactive", interactiveData }, summary)
    const encrypted = encrypt(gzipSync(JSON.stringify(interactiveData)))
    const stored = this.state.store(encrypted.ciphertext)
    const title = (interactiveData.receivedMessage as { readonly title?: string } | undefined)?.title
    return this.send(
      {
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
      },
      summary
    )
  }

  /** Forgets what was received (between test steps). */
  readonly clearReceived = (): Effect.Effect<void> =>
    Effect.sync(() => {
      this.received.length = 0
    }).pipe(Effect.zipRight(Queue.takeAll(this.inbox)), Effect.asVoid)
}
