import { createHash, randomUUID } from "node:crypto"
import { Clock, Context, Effect, Layer, Schema } from "effect"
import { AppleConfig, secretKey } from "./AppleConfig.ts"
import { type AppleCryptoError, decryptAttachment, encryptAttachment, hexToBase64 } from "./AppleCrypto.ts"
import { type AppleError, ApplePermanent } from "./AppleError.ts"
import { outboundSigner } from "./AppleJwt.ts"
import type { Attachment, OutboundAttachment } from "./Attachment.ts"
import { IDR_THRESHOLD, type InboundDataRef, type InteractiveDataRef, jsonSize } from "./DataRef.ts"
import { Header } from "./Headers.ts"
import type { InteractiveData } from "./Interactive.ts"
import { type InboundInteractiveData, InboundInteractiveData as InboundInteractiveDataSchema } from "./Interactive.ts"
import { titleOf } from "./InteractiveRules.ts"
import { bytes, call, json } from "./internal/http.ts"
import { DataRefResponse, PreDownloadResponse, PreUploadResponse, UploadResponse } from "./Mmcs.ts"
import type { OutboundContent } from "./OutboundMessage.ts"

export interface Recipient {
  /** Our business id (`source-id`). */
  readonly businessId: string
  /** The customer's opaque id (`destination-id`). */
  readonly customerId: string
}

export interface SendOptions {
  /** Reuse on retries so a resend is the same message. */
  readonly id?: string
  /** `auto-reply`: true when the bot speaks, false for a person. */
  readonly autoReply: boolean
  readonly locale?: string
  /** Ask Apple for a reusable `dataRef` even for a small interactive message (always asked over 10 KB). */
  readonly includeDataRef?: boolean
}

export interface SendResult {
  readonly id: string
  /** The reference Apple returned for a large interactive, or the cached one it was re-sent by. */
  readonly dataRef?: InteractiveDataRef
}

export interface FileToSend {
  readonly name: string
  readonly mimeType: string
  readonly data: Uint8Array
}

export class AppleClient extends Context.Tag("parley/apple/AppleClient")<
  AppleClient,
  {
    /**
     * Sends one message; authentication goes to `/authenticate`. Interactive JSON over 10 KB goes
     * inline with `include-data-ref: true`; the `dataRef` Apple answers is kept, and the same
     * interactive sent again to a customer of that business travels as `interactiveDataRef`.
     */
    readonly send: (
      to: Recipient,
      content: OutboundContent,
      options: SendOptions
    ) => Effect.Effect<SendResult, AppleError>
    /** Encrypts and uploads a file; put the result in a text's `attachments` (one U+FFFC in the body each). */
    readonly uploadAttachment: (businessId: string, file: FileToSend) => Effect.Effect<OutboundAttachment, AppleError>
    /** Fetches and decrypts a customer's attachment (do it right away: download URLs are short-lived). */
    readonly downloadAttachment: (
      businessId: string,
      attachment: Attachment
    ) => Effect.Effect<Uint8Array, AppleError | AppleCryptoError>
    /** Resolves an inbound `interactiveDataRef` to the interactive data it stands for. */
    readonly resolveDataRef: (
      businessId: string,
      ref: InboundDataRef
    ) => Effect.Effect<InboundInteractiveData, AppleError | AppleCryptoError>
    /** Apple's `/decodePayload`: a decrypted IDR blob to JSON. */
    readonly decodePayload: (businessId: string, bid: string, blob: Uint8Array) => Effect.Effect<unknown, AppleError>
    /**
     * Fallback only (not used by `send`): encodes interactive data with `/encodePayload`, which
     * one community module uses and Apple does not document, then encrypts and uploads it.
     */
    readonly uploadInteractive: (
      businessId: string,
      data: InteractiveData
    ) => Effect.Effect<InteractiveDataRef, AppleError>
  }
>() {}

/** How many returned `dataRef`s a node keeps for reuse. */
const DATA_REF_CACHE = 1000

export const make = Effect.gen(function* () {
  const config = yield* AppleConfig
  const key = secretKey(config)
  const base = config.apiBase.replace(/\/+$/, "")
  const timeout = config.requestTimeout

  const sign = outboundSigner(key, config.mspId)
  const authorization = Effect.gen(function* () {
    const now = yield* Clock.currentTimeMillis
    return `Bearer ${yield* sign(Math.floor(now / 1000))}`
  })

  const upload = Effect.fnUntraced(function* (businessId: string, ciphertext: Uint8Array) {
    const pre = yield* call({
      operation: "preUpload",
      url: `${base}/preUpload`,
      timeout,
      init: {
        method: "GET",
        headers: {
          authorization: yield* authorization,
          [Header.sourceId]: businessId,
          [Header.mmcsSize]: String(ciphertext.length)
        }
      }
    }).pipe(Effect.flatMap((r) => json("preUpload", r, PreUploadResponse)))
    const uploaded = yield* call({
      operation: "upload",
      url: pre["upload-url"],
      timeout,
      init: {
        method: "POST",
        headers: { "content-type": "application/octet-stream", "content-length": String(ciphertext.length) },
        body: ciphertext
      }
    }).pipe(Effect.flatMap((r) => json("upload", r, UploadResponse)))
    return { url: pre["mmcs-url"], owner: pre["mmcs-owner"], checksum: uploaded.singleFile.fileChecksum }
  })

  const download = Effect.fnUntraced(function* (
    businessId: string,
    ref: { readonly url: string; readonly owner: string; readonly size: number; readonly signatureBase64: string }
  ) {
    const pre = yield* call({
      operation: "preDownload",
      url: `${base}/preDownload`,
      timeout,
      init: {
        method: "GET",
        headers: {
          authorization: yield* authorization,
          [Header.sourceId]: businessId,
          [Header.mmcsUrl]: ref.url,
          [Header.mmcsSignature]: ref.signatureBase64,
          [Header.mmcsOwner]: ref.owner
        }
      }
    }).pipe(Effect.flatMap((r) => json("preDownload", r, PreDownloadResponse)))
    const body = yield* call({
      operation: "download",
      url: pre["download-url"],
      timeout,
      init: { method: "GET" }
    }).pipe(Effect.flatMap((r) => bytes("download", r)))
    if (body.length !== ref.size)
      return yield* new ApplePermanent({
        operation: "download",
        status: 200,
        reason: "size differs from the reference"
      })
    return body
  })

  const signatureOf = (ref: {
    readonly signatureHex?: string | undefined
    readonly signatureBase64?: string | undefined
  }): string => ref.signatureBase64 ?? (ref.signatureHex !== undefined ? hexToBase64(ref.signatureHex) : "")

  const decodePayload = Effect.fnUntraced(function* (businessId: string, bid: string, blob: Uint8Array) {
    const response = yield* call({
      operation: "decodePayload",
      url: `${base}/decodePayload`,
      timeout,
      init: {
        method: "POST",
        headers: {
          authorization: yield* authorization,
          [Header.sourceId]: businessId,
          [Header.bid]: bid,
          accept: "*/*",
          "content-type": "application/octet-stream"
        },
        body: blob
      }
    })
    return yield* json("decodePayload", response, Schema.Unknown)
  })

  const uploadInteractive = Effect.fnUntraced(function* (businessId: string, data: InteractiveData) {
    const blob = yield* call({
      operation: "encodePayload",
      url: `${base}/encodePayload`,
      timeout,
      init: {
        method: "POST",
        headers: {
          authorization: yield* authorization,
          [Header.sourceId]: businessId,
          "content-type": "application/json"
        },
        body: JSON.stringify({ v: 1, type: "interactive", interactiveData: data })
      }
    }).pipe(Effect.flatMap((r) => bytes("encodePayload", r)))
    const encrypted = encryptAttachment(blob)
    const stored = yield* upload(businessId, encrypted.ciphertext)
    const title = titleOf(data)
    const ref: InteractiveDataRef = {
      bid: data.bid,
      url: stored.url,
      owner: stored.owner,
      key: encrypted.key,
      size: encrypted.ciphertext.length,
      "signature-base64": stored.checksum,
      ...(title !== undefined ? { title } : {})
    }
    return ref
  })

  /** `dataRef`s Apple returned, by business and interactive JSON; the oldest is dropped past the bound. */
  const dataRefs = new Map<string, InteractiveDataRef>()
  const refKey = (businessId: string, data: InteractiveData) =>
    createHash("sha256").update(businessId).update("\n").update(JSON.stringify(data)).digest("base64url")
  const remember = (key: string, ref: InteractiveDataRef) => {
    dataRefs.delete(key)
    dataRefs.set(key, ref)
    const oldest = dataRefs.size > DATA_REF_CACHE ? dataRefs.keys().next() : undefined
    if (oldest !== undefined && oldest.done !== true) dataRefs.delete(oldest.value)
  }

  const post = Effect.fnUntraced(function* (
    to: Recipient,
    id: string,
    content: OutboundContent,
    options: SendOptions,
    path: "message" | "authenticate",
    includeDataRef: boolean
  ) {
    const body = {
      v: 1,
      id,
      sourceId: to.businessId,
      destinationId: to.customerId,
      ...(options.locale !== undefined ? { locale: options.locale } : {}),
      ...content
    }
    const response = yield* call({
      operation: path,
      url: `${base}/${path}`,
      timeout,
      destinationId: to.customerId,
      init: {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: yield* authorization,
          [Header.id]: id,
          [Header.sourceId]: to.businessId,
          [Header.destinationId]: to.customerId,
          [Header.autoReply]: String(options.autoReply),
          [Header.mspAgent]: config.mspAgent.slice(0, 64),
          ...(includeDataRef ? { [Header.includeDataRef]: "true" } : {})
        },
        body: JSON.stringify(body)
      }
    })
    const text = yield* bytes(path, response)
    if (text.length === 0) return undefined
    // Apple's 200 has an empty body except for this answer; anything else in it is not an error.
    return yield* Schema.decodeUnknown(Schema.parseJson(DataRefResponse))(Buffer.from(text).toString("utf8")).pipe(
      Effect.map((r) => r.dataRef),
      Effect.orElseSucceed(() => undefined)
    )
  })

  const send = Effect.fnUntraced(function* (to: Recipient, content: OutboundContent, options: SendOptions) {
    const id = options.id ?? randomUUID()
    const inline = content.type === "interactive" && "interactiveData" in content ? content.interactiveData : undefined
    const path = inline?.data?.authenticate !== undefined ? "authenticate" : "message"
    if (inline === undefined || path === "authenticate") {
      const returned = yield* post(to, id, content, options, path, options.includeDataRef === true)
      return { id, ...(returned !== undefined ? { dataRef: returned } : {}) } satisfies SendResult
    }
    const key = refKey(to.businessId, inline)
    const cached = dataRefs.get(key)
    if (cached !== undefined) {
      const reused = yield* post(
        to,
        id,
        { type: "interactive", interactiveDataRef: cached },
        options,
        path,
        false
      ).pipe(
        Effect.as(true),
        // A reference Apple no longer knows is dropped and the message goes inline again, same id.
        Effect.catchIf(
          (e) => e._tag === "ApplePermanent" && e.status === 400,
          () => Effect.sync(() => dataRefs.delete(key)).pipe(Effect.as(false))
        )
      )
      if (reused) return { id, dataRef: cached } satisfies SendResult
    }
    const large = jsonSize(inline) > IDR_THRESHOLD
    const returned = yield* post(to, id, content, options, path, large || options.includeDataRef === true)
    if (returned !== undefined) remember(key, returned)
    return { id, ...(returned !== undefined ? { dataRef: returned } : {}) } satisfies SendResult
  })

  const uploadAttachment = Effect.fnUntraced(function* (businessId: string, file: FileToSend) {
    const encrypted = encryptAttachment(file.data)
    const stored = yield* upload(businessId, encrypted.ciphertext)
    return {
      name: file.name,
      mimeType: file.mimeType,
      size: String(encrypted.ciphertext.length),
      "signature-base64": stored.checksum,
      url: stored.url,
      owner: stored.owner,
      key: encrypted.key
    } satisfies OutboundAttachment
  })

  const downloadAttachment = Effect.fnUntraced(function* (businessId: string, attachment: Attachment) {
    const ciphertext = yield* download(businessId, { ...attachment, signatureBase64: signatureOf(attachment) })
    return yield* decryptAttachment(ciphertext, attachment.key)
  })

  const resolveDataRef = Effect.fnUntraced(function* (businessId: string, ref: InboundDataRef) {
    const signatureHex = ref.signature
    const signatureBase64 = ref["signature-base64"]
    const ciphertext = yield* download(businessId, {
      url: ref.url,
      owner: ref.owner,
      size: ref.size,
      signatureBase64: signatureOf({ signatureHex, signatureBase64 })
    })
    const blob = yield* decryptAttachment(ciphertext, ref.key)
    const decoded = yield* decodePayload(businessId, ref.bid, blob)
    return yield* Schema.decodeUnknown(InboundInteractiveDataSchema)(decoded).pipe(
      Effect.map((data) => (data.bid === undefined ? { ...data, bid: ref.bid } : data)),
      Effect.mapError(
        () =>
          new ApplePermanent({
            operation: "decodePayload",
            status: 200,
            reason: "decoded payload is not interactive data"
          })
      )
    )
  })

  return AppleClient.of({
    send,
    uploadAttachment,
    downloadAttachment,
    resolveDataRef,
    decodePayload,
    uploadInteractive
  })
})

export const layer: Layer.Layer<AppleClient, never, AppleConfig> = Layer.effect(AppleClient, make)
