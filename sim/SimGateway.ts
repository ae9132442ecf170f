import { ParseResult, Schema } from "effect"
import type { Context, Hono } from "hono"
import type { Refusal } from "./SimAuth.ts"
import { aesCtr, encrypt, keyBytes } from "./SimCrypto.ts"
import type { SimCustomer } from "./SimCustomer.ts"
import { decodeBlob, encodeBlob, guard, refuse } from "./SimMmcs.ts"
import { hasUrl, interactiveProblems, MAX_LINK_IMAGE_BYTES, needs, titleOf } from "./SimRules.ts"
import type { SimState } from "./SimState.ts"
import { type DataRef, IDR_THRESHOLD, InteractiveData, jsonSize, Message } from "./SimWire.ts"

const decodeMessage = Schema.decodeUnknownEither(Message, { errors: "first" })
const decodeInteractive = Schema.decodeUnknownEither(InteractiveData)
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

const issue = (error: ParseResult.ParseError): string => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  return first === undefined ? "schema" : `${first.path.map(String).join(".")}: ${first.message}`
}

const bad = (rule: string, detail: string): Refusal => ({ status: 400, rule, detail })

/** A reference back to interactive data in the store: the device's (with `key`) or Apple's own `dataRef`. */
const resolveRef = (state: SimState, ref: DataRef): InteractiveData | Refusal => {
  const blob = state.blobs.get(ref.url)
  if (blob === undefined || blob.owner !== ref.owner) return bad("data-ref", "url/owner not in the store")
  if (blob.bytes.length !== ref.size) return bad("data-ref", "size differs from the stored blob")
  const signature = ref["signature-base64"] ?? Buffer.from(ref.signature ?? "", "hex").toString("base64")
  if (signature !== blob.checksum) return bad("data-ref", "signature differs from the stored blob")
  const key = keyBytes(ref.key ?? state.keys.get(ref.url) ?? "")
  if (key === undefined) return bad("data-ref", "no key for this reference")
  try {
    const decoded = decodeInteractive(decodeBlob(aesCtr(key, blob.bytes)))
    if (decoded._tag === "Left") return bad("schema", issue(decoded.left))
    if (ref.title !== undefined && ref.title !== titleOf(decoded.right))
      return bad("data-ref", "title differs from receivedMessage.title")
    return decoded.right
  } catch {
    return bad("data-ref", "blob does not decrypt/decode with the key given")
  }
}

/** Apple keeps a large interactive it was sent and answers a reference without the key (as in its sample). */
const keep = (state: SimState, interactive: InteractiveData): DataRef => {
  const encrypted = encrypt(encodeBlob(interactive))
  const stored = state.store(encrypted.ciphertext)
  state.keys.set(stored.url, encrypted.key)
  const title = titleOf(interactive)
  const signature = Buffer.from(stored.checksum, "base64").toString("hex")
  return {
    bid: interactive.bid,
    owner: stored.owner,
    url: stored.url,
    size: encrypted.ciphertext.length,
    signature,
    "signature-base64": stored.checksum,
    ...(title !== undefined ? { title } : {}),
    dataRefSig: Buffer.from(`${stored.url} ${signature}`).toString("base64url")
  }
}

/** Apple's header checks of a send (docs/apple.md, "Sending"); the first failure is the answer. */
const checkHeaders = (c: Context, customers: ReadonlyMap<string, SimCustomer>): Refusal | SimCustomer => {
  const h = (name: string) => c.req.header(name)
  const id = h("id")
  const destination = h("destination-id")
  if (id === undefined || !uuid.test(id)) return bad("header-missing", "id header must be a UUID")
  if (destination === undefined) return bad("header-missing", "destination-id is required")
  if (!/^application\/json/i.test(h("content-type") ?? "")) return bad("content-type", "body must be application/json")
  const autoReply = h("auto-reply")
  if (autoReply !== undefined && autoReply !== "true" && autoReply !== "false")
    return bad("header", "auto-reply must be true or false")
  const customer = customers.get(destination)
  if (customer === undefined || customer.businessId !== h("source-id"))
    return { status: 404, rule: "unknown-destination", detail: "destination-id not recognised" }
  return customer
}

export const routes = (app: Hono, state: SimState, customers: ReadonlyMap<string, SimCustomer>): void => {
  const handle = (path: "message" | "authenticate") => async (c: Context) => {
    const refused = await guard(state, c, path)
    if (refused !== undefined) return refused
    const id = c.req.header("id")
    const customer = checkHeaders(c, customers)
    if (!("id" in customer)) return refuse(state, c, path, customer, id)
    const injected = state.customerStatus.get(customer.id)
    if (injected !== undefined) return c.json({ error: "injected" }, injected as 404)

    const raw: unknown = await c.req.json().catch(() => undefined)
    const decoded = decodeMessage(raw)
    if (decoded._tag === "Left") return refuse(state, c, path, bad("schema", issue(decoded.left)), id)
    const message = decoded.right
    const fail = (refusal: Refusal) => refuse(state, c, path, refusal, id)
    if (message.id !== id || message.sourceId !== c.req.header("source-id") || message.destinationId !== customer.id)
      return fail(bad("header-mismatch", "id/sourceId/destinationId differ from the headers"))
    // Whether Apple de-duplicates sends by `id` is not documented (docs/apple.md, "Open questions").
    // The simulator assumes it does, as an idempotency key: a resend of a delivered id (e.g. after
    // the MSP crashed between Apple's 200 and recording it) gets the same 200 and is not shown twice.
    const key = `${customer.id} ${message.id}`
    if (state.delivered.has(key)) {
      state.resends.set(message.id, (state.resends.get(message.id) ?? 0) + 1)
      return c.body(null, 200, { "cache-control": "no-cache, no-store", "x-frame-options": "DENY" })
    }
    if (customer.closed)
      return fail({
        status: state.settings.closedStatus,
        rule: "message-after-close",
        detail: "the customer closed the conversation and has not written since"
      })

    let interactive: InteractiveData | undefined
    let dataRef: DataRef | undefined
    if (message.type === "text") {
      if (hasUrl(message.body)) return fail(bad("url-in-text", "every URL must be sent as a richLink"))
      if ((message.attachments ?? []).length > 0 && !customer.device.attachments)
        return fail(bad("device-attachments", "the customer's device cannot open attachments"))
      for (const a of message.attachments ?? []) {
        const url = a.url ?? a["mmcs-url"] ?? ""
        const blob = state.blobs.get(url)
        const size = a.size ?? a["file-size"]
        const key = a.key ?? a["decryption-key"]
        if (blob === undefined || blob.bytes.length !== size || blob.checksum !== a["signature-base64"])
          return fail(bad("attachment", "attachment reference does not match an upload"))
        if (key === undefined || keyBytes(key) === undefined)
          return fail(bad("attachment", "key must be '00' + 64 hex digits"))
      }
    } else if (message.type === "richLink") {
      if (!/^https?:\/\//i.test(message.richLinkData.url)) return fail(bad("rich-link", "url must be http(s)"))
      const image = message.richLinkData.assets?.image
      if (image !== undefined && Buffer.from(image.data, "base64").length > MAX_LINK_IMAGE_BYTES)
        return fail(bad("rich-link", "image over 200 kB"))
    } else if (message.type === "interactive") {
      if ((message.interactiveData === undefined) === (message.interactiveDataRef === undefined))
        return fail(bad("schema", "interactive needs exactly one of interactiveData and interactiveDataRef"))
      if (message.interactiveDataRef !== undefined) {
        const resolved = resolveRef(state, message.interactiveDataRef)
        if ("status" in resolved) return fail(resolved)
        interactive = resolved
      } else if (message.interactiveData !== undefined) {
        interactive = message.interactiveData
        // Apple's docs: the answer to an interactive over 10 KB carries a reusable reference; its
        // sample asks for it with `include-data-ref: true`. Inline is accepted either way.
        if (jsonSize(interactive) > IDR_THRESHOLD || c.req.header("include-data-ref") === "true")
          dataRef = keep(state, interactive)
      }
      if (interactive !== undefined) {
        const found = interactiveProblems(interactive)
        if (found[0] !== undefined) return fail(bad("interactive", found.join("; ")))
        const needed = needs(interactive)
        const lacks =
          needed === undefined
            ? false
            : needed === "IMESSAGE_APP"
              ? !customer.device.iMessageApps
              : !customer.capabilities.includes(needed)
        if (lacks) return fail(bad("capability", `customer's device lacks ${needed}`))
        const isAuth = interactive.data?.authenticate !== undefined
        if (path === "authenticate" && !isAuth) return fail(bad("authenticate", "needs data.authenticate.oauth2"))
      }
    }
    if (path === "authenticate" && interactive === undefined)
      return fail(bad("authenticate", "needs an interactive authentication message"))

    state.delivered.add(key)
    customer.receive({
      message,
      ...(interactive !== undefined ? { interactive } : {}),
      autoReply: c.req.header("auto-reply") === undefined ? undefined : c.req.header("auto-reply") === "true",
      mspAgent: c.req.header("msp-agent")
    })
    if (dataRef !== undefined) return c.json({ dataRef })
    return c.body(null, 200, { "cache-control": "no-cache, no-store", "x-frame-options": "DENY" })
  }
  app.post("/v1/message", handle("message"))
  app.post("/v1/authenticate", handle("authenticate"))
}
