import { randomUUID } from "node:crypto"
import { Effect, Option, Schema, Stream } from "effect"
import type { Context } from "hono"
import { AttachmentConfig } from "../../actors/attachments/AttachmentConfig.ts"
import { allowedType, essence, refusal, safeFileName } from "../../actors/attachments/AttachmentRules.ts"
import { findAttachment, recordAttachments } from "../../db/queries/attachments.ts"
import { findInteraction } from "../../db/queries/interactions.ts"
import { ObjectStore, type ObjectStoreError } from "../../runtime/ObjectStore.ts"
import { Forbidden } from "../auth/AuthError.ts"
import { isManager, type Principal } from "../auth/Principal.ts"
import { oneLine } from "../InputError.ts"
import { InvalidRequest, NotFound, TooLarge, Unavailable, UnsupportedType } from "./ApiFailure.ts"
import { IdParams } from "./Fields.ts"
import { type Route, rawRoute } from "./Route.ts"
import { UploadedFile } from "./UploadedFile.ts"

/**
 * Files in a conversation: staff download what a customer sent (or what an agent sent), and the
 * agent serving a chat uploads a file to send with the socket's `send` command (content kind
 * `attachment`). Bytes travel as bytes, streamed out of the object store, never as JSON.
 */

const UploadQuery = Schema.Struct({
  name: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)).annotations({
    description: "the file's name as the customer will see it"
  })
})

const tag = "attachments"

const unavailable = (e: ObjectStoreError) =>
  Effect.zipRight(
    Effect.logError("api: file store failed", e),
    Effect.fail(new Unavailable({ message: "the file store is unavailable, retry shortly" }))
  )

const mib = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`

/** `attachment; filename="…"` with an ASCII fallback and the exact name in RFC 5987 form. */
const disposition = (name: string): string => {
  const safe = safeFileName(name)
  const ascii = safe.replace(/[^\x20-\x7e]/g, "_")
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(safe)}`
}

const download = (_c: Context, principal: Principal, params: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const id = params.id ?? ""
    const found = yield* findAttachment(id)
    if (found === undefined) return yield* new NotFound({ entity: "attachment" })
    if (!isManager(principal) && found.assignedTo !== principal.userId)
      return yield* new Forbidden({ reason: "this file belongs to a conversation you do not serve" })
    const { maxBytes } = yield* AttachmentConfig
    const content = yield* Effect.flatMap(ObjectStore, (store) => store.get(id)).pipe(Effect.catchAll(unavailable))
    if (Option.isNone(content)) return yield* new NotFound({ entity: "attachment" })
    const { info, data } = content.value
    if (info.size > maxBytes)
      return yield* new TooLarge({ message: `the file (${mib(info.size)}) is over the ${mib(maxBytes)} limit` })
    const type = essence(found.attachment.contentType)
    const body = Stream.toReadableStream(
      data.pipe(Stream.tapError((e) => Effect.logWarning("api: attachment download cut short", e)))
    )
    return new Response(body, {
      status: 200,
      headers: {
        // Only types we take are served as such; anything else is bytes to save, never to render.
        "content-type": allowedType(type) ? type : "application/octet-stream",
        "content-length": String(info.size),
        "content-disposition": disposition(found.attachment.name),
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
        "cache-control": "private, no-store"
      }
    })
  }).pipe(Effect.annotateLogs({ attachment: params.id }))

/** Reads at most `max` bytes of a request body; one byte more is refused without reading the rest. */
const readCapped = (body: ReadableStream<Uint8Array> | null, max: number) =>
  Effect.tryPromise({
    try: async () => {
      const chunks: Array<Uint8Array> = []
      let total = 0
      if (body === null) return { bytes: new Uint8Array(0), over: false }
      const reader = body.getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        total += value.length
        if (total > max) {
          await reader.cancel()
          return { bytes: new Uint8Array(0), over: true }
        }
        chunks.push(value)
      }
      return { bytes: new Uint8Array(Buffer.concat(chunks)), over: false }
    },
    catch: () => new InvalidRequest({ message: "body: the upload was interrupted" })
  })

const upload = (c: Context, principal: Principal, params: Readonly<Record<string, string>>) =>
  Effect.gen(function* () {
    const interaction = yield* findInteraction(params.id ?? "")
    if (interaction === undefined) return yield* new NotFound({ entity: "conversation" })
    if (interaction.assignedTo !== principal.userId)
      return yield* new Forbidden({ reason: "only the agent serving this conversation may send it files" })
    const query = yield* Schema.decodeUnknown(UploadQuery)(c.req.query()).pipe(
      Effect.mapError((e) => new InvalidRequest({ message: oneLine(e, { where: "query" }) }))
    )
    const contentType = essence(c.req.header("content-type") ?? "")
    const { maxBytes } = yield* AttachmentConfig
    const declared = Number(c.req.header("content-length") ?? "0")
    const refused = refusal({ contentType, size: Number.isFinite(declared) ? declared : 0 }, maxBytes)
    if (refused !== undefined) {
      yield* Effect.logInfo(`api: upload refused (${refused})`)
      return yield* declared > maxBytes
        ? new TooLarge({ message: `file refused: ${refused}` })
        : new UnsupportedType({ message: `file refused: ${refused}` })
    }
    const read = yield* readCapped(c.req.raw.body, maxBytes)
    if (read.over) {
      yield* Effect.logInfo("api: upload refused (over the limit)")
      return yield* new TooLarge({ message: `file refused: over the ${mib(maxBytes)} limit` })
    }
    if (read.bytes.length === 0) return yield* new InvalidRequest({ message: "body: the file is empty" })
    const id = randomUUID()
    const store = yield* ObjectStore
    yield* store.put(id, { name: query.name, contentType }, read.bytes).pipe(Effect.catchAll(unavailable))
    yield* recordAttachments([
      {
        id,
        interactionId: interaction.id,
        direction: "out",
        name: query.name,
        contentType,
        size: read.bytes.length,
        uploadedBy: principal.userId
      }
    ])
    yield* Effect.logInfo("api: file uploaded", { attachment: id, type: contentType, size: read.bytes.length })
    const uploaded = Schema.encodeSync(UploadedFile)({
      id,
      name: query.name,
      mimeType: contentType,
      size: read.bytes.length
    })
    return c.json(uploaded, 201)
  }).pipe(Effect.annotateLogs({ interaction: params.id }))

export const routes: ReadonlyArray<Route> = [
  rawRoute({
    method: "get",
    path: "/attachments/:id",
    tag,
    access: ["agent"],
    summary:
      "A file of a conversation, streamed with its type; for the agent serving that conversation and managers (403 for other agents, 404 if unknown)",
    errors: ["not_found", "payload_too_large"],
    params: IdParams,
    raw: { responseType: "application/octet-stream", handle: download }
  }),
  rawRoute({
    method: "post",
    path: "/conversations/:id/attachments",
    tag,
    access: ["agent"],
    status: 201,
    summary:
      "Uploads a file (the body, with its Content-Type; `?name=` the file name) for the agent serving the conversation (`:id` is its interaction id) to send with the socket's `send` command",
    errors: ["not_found", "payload_too_large", "unsupported_media_type"],
    params: IdParams,
    query: UploadQuery,
    response: UploadedFile,
    raw: { requestType: "application/octet-stream", responseType: "application/json", handle: upload }
  })
]
