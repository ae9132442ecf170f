import { randomBytes, randomUUID } from "node:crypto"
import { gzipSync } from "node:zlib"
import { Effect, Layer, Redacted } from "effect"
import * as AppleConfig from "../../apple/AppleConfig.ts"
import { signInbound } from "../../apple/AppleJwt.ts"
import * as AppleInbox from "../../http/apple/AppleInbox.ts"

/** A fresh identity per test file, shared by the MSP under test and the simulator. */
export const makeIdentity = () => {
  const secret = randomBytes(32).toString("base64")
  return {
    mspId: randomUUID(),
    secretText: secret,
    secret: Redacted.make(secret),
    businessIds: [randomUUID()] as ReadonlyArray<string>
  }
}

export type Identity = ReturnType<typeof makeIdentity>

export const webhookLayer = (identity: Identity, overrides: Partial<AppleConfig.AppleConfigShape> = {}) =>
  Layer.merge(AppleConfig.layer({ ...identity, ...overrides }), AppleInbox.layerMemory)

export const customerId = (): string => `urn:mbid:${randomBytes(24).toString("base64")}`

export const token = (identity: Identity, options: { readonly aud?: string; readonly iat?: number } = {}) =>
  signInbound(
    new Uint8Array(Buffer.from(identity.secretText, "base64")),
    options.aud ?? identity.mspId,
    options.iat ?? Math.floor(Date.now() / 1000)
  )

export interface WebhookRequest {
  readonly body?: unknown
  readonly raw?: Uint8Array | string
  readonly gzip?: boolean
  readonly headers?: Readonly<Record<string, string | undefined>>
}

/** A webhook exactly as Apple sends it, with overridable (or removable, via undefined) parts. */
export const webhook = (identity: Identity, from: string, request: WebhookRequest = {}) =>
  Effect.gen(function* () {
    const id = randomUUID()
    const body = request.body ?? {
      v: 1,
      type: "text",
      id,
      sourceId: from,
      destinationId: identity.businessIds[0],
      body: "Hello business!",
      locale: "en_US"
    }
    const json = request.raw ?? JSON.stringify(body)
    const payload = request.gzip === false ? json : gzipSync(json)
    const headers: Record<string, string | undefined> = {
      authorization: `Bearer ${yield* token(identity)}`,
      id: typeof body === "object" && body !== null && "id" in body ? String(body.id) : id,
      "source-id": from,
      "destination-id": identity.businessIds[0],
      "capability-list": "QUICK,LIST,TIME,AUTH2,FORM",
      "device-agent": "iPhone OS",
      ...request.headers
    }
    const defined = Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, v] as [string, string]]))
    return new Request("http://msp.test/message", { method: "POST", headers: defined, body: payload })
  })
