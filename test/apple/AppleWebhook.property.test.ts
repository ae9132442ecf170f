import { randomUUID } from "node:crypto"
import { gzipSync } from "node:zlib"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, ManagedRuntime } from "effect"
import fc from "fast-check"
import { MemoryInbox } from "../../http/apple/AppleInbox.ts"
import * as AppleWebhook from "../../http/apple/AppleWebhook.ts"
import { customerId, makeIdentity, token, webhookLayer } from "./support.ts"

const identity = makeIdentity()
const business = identity.businessIds[0]!
const from = customerId()
const maxBody = 16 * 1024
const allowed = new Set([200, 400, 403, 404, 413, 503])

const validMessage = fc.oneof(
  fc.record({ type: fc.constant("text"), body: fc.string({ maxLength: 200 }) }),
  fc.record({ type: fc.constantFrom("typing_start", "typing_end", "close") }),
  fc.record({
    type: fc.constant("interactive"),
    interactiveData: fc.record({ bid: fc.string(), data: fc.dictionary(fc.string(), fc.jsonValue()) })
  }),
  fc.record({
    type: fc.constant("text"),
    body: fc.constant("\uFFFC"),
    attachments: fc.array(
      fc.record({
        name: fc.string(),
        mimeType: fc.string(),
        size: fc.oneof(fc.nat(), fc.string()),
        key: fc.oneof(fc.constant(`00${"ab".repeat(32)}`), fc.string()),
        url: fc.string(),
        owner: fc.string(),
        signature: fc.string()
      }),
      { maxLength: 2 }
    )
  })
)

/** A body: a valid message, a mutated one (field dropped/replaced), any JSON, or raw bytes. */
const body = fc.oneof(
  validMessage.map((m) => ({
    kind: "json" as const,
    value: { v: 1, id: randomUUID(), ...m } as Record<string, unknown>
  })),
  fc
    .tuple(validMessage, fc.constantFrom("v", "id", "type", "body", "sourceId", "destinationId"), fc.jsonValue())
    .map(([m, field, value]) => ({ kind: "json" as const, value: { v: 1, id: randomUUID(), ...m, [field]: value } })),
  fc.jsonValue().map((value) => ({ kind: "json" as const, value })),
  fc.uint8Array({ maxLength: 512 }).map((bytes) => ({ kind: "raw" as const, bytes })),
  fc.constantFrom(
    { kind: "raw" as const, bytes: new Uint8Array(0) },
    { kind: "raw" as const, bytes: new Uint8Array(maxBody + 1) },
    { kind: "raw" as const, bytes: gzipSync(Buffer.alloc(maxBody * 4, 32)) },
    { kind: "raw" as const, bytes: gzipSync('{"v":1}').subarray(0, 12) }
  )
)

const headerValue = <A extends string>(valid: A) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant<A | string | undefined>(valid) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }) }
  )

describe("AppleWebhook under random and mutated requests", () => {
  it.live(
    "never answers an undesigned 5xx, never crashes, stores nothing it rejects",
    () =>
      Effect.gen(function* () {
        const runtime = ManagedRuntime.make(
          Layer.merge(webhookLayer(identity, { maxBody }), Logger.minimumLogLevel(LogLevel.None))
        )
        yield* Effect.addFinalizer(() => runtime.disposeEffect)
        const app = yield* Effect.promise(() => runtime.runPromise(AppleWebhook.make))
        const inbox = yield* Effect.promise(() => runtime.runPromise(MemoryInbox))
        const valid = `Bearer ${yield* token(identity)}`
        const foreign = `Bearer ${yield* token({ ...makeIdentity(), mspId: identity.mspId })}`
        const count = () => runtime.runPromise(Effect.map(inbox.envelopes, (e) => e.length))
        let runs = 0

        const property = fc.asyncProperty(
          body,
          fc.record({
            authorization: fc.oneof(
              { weight: 6, arbitrary: fc.constant<string | undefined>(valid) },
              {
                weight: 1,
                arbitrary: fc.constantFrom(foreign, undefined, "Bearer a.b.c", `Bearer ${valid}`, "bearer")
              },
              { weight: 1, arbitrary: fc.string({ maxLength: 60 }) }
            ),
            "destination-id": headerValue(business),
            "source-id": headerValue(from),
            "capability-list": headerValue("LIST%2CQUICK,time"),
            "content-encoding": fc.constantFrom(undefined, "gzip", "identity", "br"),
            id: fc.constantFrom(undefined, "", "x")
          }),
          fc.boolean(),
          fc.boolean(),
          async (payload, headers, gzip, unavailable) => {
            runs++
            await runtime.runPromise(inbox.setUnavailable(unavailable && runs % 7 === 0))
            const bytes =
              payload.kind === "raw"
                ? payload.bytes
                : gzip
                  ? gzipSync(JSON.stringify(payload.value))
                  : Buffer.from(JSON.stringify(payload.value))
            const defined = Object.entries(headers).flatMap(([k, v]) =>
              v === undefined ? [] : [[k, v] as [string, string]]
            )
            const before = await count()
            const response = await app.request(
              new Request("http://msp.test/message", { method: "POST", headers: defined, body: bytes })
            )
            const status = response.status
            const answer = (await response.json()) as { code?: unknown }
            const after = await count()
            if (!allowed.has(status)) throw new Error(`status ${status} ${JSON.stringify(answer)}`)
            if (typeof answer.code !== "string") throw new Error("no code in the answer")
            if (status === 503 && !(unavailable && runs % 7 === 0)) throw new Error("503 without an unavailable inbox")
            if (status !== 200 && after !== before) throw new Error(`stored a rejected request (${status})`)
            if (status === 200 && after > before + 1) throw new Error("stored twice")
          }
        )
        yield* Effect.promise(() => fc.assert(property, { numRuns: 10_000 }))
        assert.isAtLeast(runs, 10_000)
        const stored = yield* Effect.promise(count)
        assert.isAbove(stored, 0)
      }).pipe(Effect.scoped),
    120_000
  )
})
