import { gunzipSync, gzipSync } from "node:zlib"
import { Schema } from "effect"
import type { Context, Hono } from "hono"
import { checkAuthorization, checkBusiness, type Refusal } from "./SimAuth.ts"
import type { SimState } from "./SimState.ts"
import { InteractiveData, MAX_ATTACHMENT_BYTES } from "./SimWire.ts"

/**
 * Apple's attachment store and payload codec. The IDR blob format is opaque at Apple (open
 * question 9); here it is gzip of the interactive data's JSON, and `/decodePayload` also takes
 * it un-gzipped.
 */
export const encodeBlob = (interactiveData: unknown): Uint8Array => gzipSync(JSON.stringify(interactiveData))

export const decodeBlob = (blob: Uint8Array): unknown => {
  const bytes = blob.length >= 2 && blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : Buffer.from(blob)
  return JSON.parse(bytes.toString("utf8"))
}

export const refuse = (state: SimState, c: Context, path: string, refusal: Refusal, messageId?: string) => {
  state.violation({ path, ...refusal, ...(messageId !== undefined ? { messageId } : {}) })
  return c.json({ error: refusal.rule, detail: refusal.detail }, refusal.status as 400)
}

/** Shared gate of every `/v1` call: injected failures, then Authorization, then `source-id`. */
export const guard = async (state: SimState, c: Context, path: string): Promise<Response | undefined> => {
  const injected = state.takeFailure(path)
  if (injected !== undefined)
    return c.json({ error: "injected" }, injected.status as 500, {
      ...(injected.retryAfterSeconds !== undefined ? { "retry-after": String(injected.retryAfterSeconds) } : {})
    })
  const auth = await checkAuthorization(state, c.req.header("authorization") ?? null)
  if (auth !== undefined) return refuse(state, c, path, auth)
  const business = checkBusiness(state, c.req.header("source-id") ?? null)
  return business === undefined ? undefined : refuse(state, c, path, business)
}

export const routes = (app: Hono, state: SimState): void => {
  app.get("/v1/preUpload", async (c) => {
    const refused = await guard(state, c, "preUpload")
    if (refused !== undefined) return refused
    const declared = c.req.header("mmcs-size") ?? c.req.header("size")
    const size = declared !== undefined && /^\d+$/.test(declared) ? Number(declared) : Number.NaN
    if (!(size > 0 && size <= MAX_ATTACHMENT_BYTES))
      return refuse(state, c, "preUpload", {
        status: 400,
        rule: "size",
        detail: "MMCS-Size (or size) 1..100 MB needed"
      })
    const token = crypto.randomUUID()
    const stored = { url: `${state.baseUrl}/mmcs/blob/${crypto.randomUUID()}`, owner: `M${token.slice(0, 8)}`, size }
    state.uploads.set(token, stored)
    return c.json({
      "upload-url": `${state.baseUrl}/mmcs/upload/${token}`,
      "mmcs-url": stored.url,
      "mmcs-owner": stored.owner
    })
  })

  app.post("/mmcs/upload/:token", async (c) => {
    const pending = state.uploads.get(c.req.param("token"))
    if (pending === undefined) return refuse(state, c, "upload", { status: 404, rule: "upload-url", detail: "unknown" })
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    if (bytes.length !== pending.size)
      return refuse(state, c, "upload", { status: 400, rule: "size", detail: "body differs from the pre-upload size" })
    state.uploads.delete(c.req.param("token"))
    const { checksum } = storeAt(state, pending.url, pending.owner, bytes)
    return c.json({ singleFile: { fileChecksum: checksum, size: bytes.length, receipt: crypto.randomUUID() } })
  })

  app.get("/v1/preDownload", async (c) => {
    const refused = await guard(state, c, "preDownload")
    if (refused !== undefined) return refused
    const url = c.req.header("mmcs-url") ?? c.req.header("url")
    const owner = c.req.header("mmcs-owner") ?? c.req.header("owner")
    const signature = c.req.header("mmcs-signature") ?? c.req.header("signature")
    const blob = url === undefined ? undefined : state.blobs.get(url)
    if (url === undefined || blob === undefined)
      return refuse(state, c, "preDownload", { status: 404, rule: "reference", detail: "unknown MMCS-Url" })
    if (owner !== blob.owner || signature !== blob.checksum)
      return refuse(state, c, "preDownload", { status: 400, rule: "reference", detail: "owner/signature mismatch" })
    return c.json({ "download-url": state.downloadUrl(url) })
  })

  app.get("/mmcs/download/:token", (c) => {
    const grant = state.downloads.get(c.req.param("token"))
    const blob = grant === undefined || grant.expires < Date.now() ? undefined : state.blobs.get(grant.url)
    if (blob === undefined) return c.json({ error: "expired" }, 404)
    return c.body(Buffer.from(blob.bytes), 200, { "content-type": "application/octet-stream" })
  })

  app.post("/v1/decodePayload", async (c) => {
    const refused = await guard(state, c, "decodePayload")
    if (refused !== undefined) return refused
    if (c.req.header("bid") === undefined)
      return refuse(state, c, "decodePayload", { status: 400, rule: "header-missing", detail: "bid is required" })
    try {
      return c.json(decodeBlob(new Uint8Array(await c.req.arrayBuffer())) as object)
    } catch {
      return refuse(state, c, "decodePayload", { status: 400, rule: "payload", detail: "not a payload blob" })
    }
  })

  app.post("/v1/encodePayload", async (c) => {
    const refused = await guard(state, c, "encodePayload")
    if (refused !== undefined) return refused
    const body: unknown = await c.req.json().catch(() => undefined)
    const decoded = Schema.decodeUnknownEither(Schema.Struct({ interactiveData: InteractiveData }))(body)
    if (decoded._tag === "Left")
      return refuse(state, c, "encodePayload", { status: 400, rule: "schema", detail: "interactiveData expected" })
    return c.body(Buffer.from(encodeBlob(decoded.right.interactiveData)), 200, {
      "content-type": "application/octet-stream"
    })
  })
}

const storeAt = (state: SimState, url: string, owner: string, bytes: Uint8Array) => {
  const stored = state.store(bytes, owner)
  const blob = state.blobs.get(stored.url)
  state.blobs.delete(stored.url)
  if (blob !== undefined) state.blobs.set(url, blob)
  return { checksum: stored.checksum }
}
