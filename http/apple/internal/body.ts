import { promisify } from "node:util"
import { gunzip, gunzipSync } from "node:zlib"
import { Data, Effect } from "effect"

export class BodyTooLarge extends Data.TaggedError("BodyTooLarge")<{ readonly limit: number }> {}
export class BodyUnreadable extends Data.TaggedError("BodyUnreadable")<{ readonly reason: string }> {}

/** Reads at most `limit` bytes, refusing early on a larger `Content-Length` and never buffering past it. */
export const readLimited = (
  request: Request,
  limit: number
): Effect.Effect<Uint8Array, BodyTooLarge | BodyUnreadable> =>
  Effect.gen(function* () {
    const declared = request.headers.get("content-length")
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit)
      return yield* new BodyTooLarge({ limit })
    if (request.body === null) return new Uint8Array(0)
    const reader = request.body.getReader()
    const chunks: Array<Uint8Array> = []
    let total = 0
    while (true) {
      const { done, value } = yield* Effect.tryPromise({
        try: () => reader.read(),
        catch: () => new BodyUnreadable({ reason: "body stream failed" })
      })
      if (done) break
      total += value.byteLength
      if (total > limit) {
        yield* Effect.promise(() => reader.cancel().catch(() => undefined))
        return yield* new BodyTooLarge({ limit })
      }
      chunks.push(value)
    }
    return new Uint8Array(Buffer.concat(chunks, total))
  })

const gunzipAsync = promisify(gunzip)

/** Compressed bodies up to this size are inflated synchronously (`inflate`). */
const syncInflateBelow = 64 * 1024

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b

/** Gunzips when the magic bytes say so (whatever `Content-Encoding` claims), capped at `limit`. */
export const inflate = (
  bytes: Uint8Array,
  contentEncoding: string | undefined,
  limit: number
): Effect.Effect<Uint8Array, BodyTooLarge | BodyUnreadable> => {
  if (!isGzip(bytes)) {
    return contentEncoding !== undefined && /gzip/i.test(contentEncoding)
      ? Effect.fail(new BodyUnreadable({ reason: "Content-Encoding says gzip but the body is not gzip" }))
      : Effect.succeed(bytes)
  }
  const refused = (cause: unknown) =>
    cause instanceof RangeError || (cause instanceof Error && "code" in cause && cause.code === "ERR_BUFFER_TOO_LARGE")
      ? new BodyTooLarge({ limit })
      : new BodyUnreadable({ reason: "body is not valid gzip" })
  // A message's body is a few KB: inflated in place it costs microseconds, where the thread-pool
  // round trip and stream machinery of the async call cost more than the inflating (1.7 % of a busy
  // node's time in `bench/conversation.ts`'s profile). Large bodies stay off the event loop.
  if (bytes.length <= syncInflateBelow) {
    return Effect.try({
      try: () => new Uint8Array(gunzipSync(bytes, { maxOutputLength: limit })),
      catch: refused
    })
  }
  return Effect.tryPromise({
    try: () => gunzipAsync(bytes, { maxOutputLength: limit }),
    catch: refused
  }).pipe(Effect.map((buffer) => new Uint8Array(buffer)))
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

export const parseJson = (bytes: Uint8Array): Effect.Effect<unknown, BodyUnreadable> =>
  Effect.try({
    try: (): unknown => JSON.parse(utf8.decode(bytes)),
    catch: () => new BodyUnreadable({ reason: "body is not UTF-8 JSON" })
  })
