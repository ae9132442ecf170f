import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import {
  decryptAttachment,
  decryptAuthToken,
  encryptAttachment,
  encryptAuthToken,
  generateAuthKeyPair
} from "../../apple/AppleCrypto.ts"

describe("AppleCrypto", () => {
  it.effect("AES-256-CTR with a zero IV matches the vector of docs/apple.md", () =>
    Effect.gen(function* () {
      const key = new Uint8Array(Array.from({ length: 32 }, (_, i) => i))
      const encrypted = encryptAttachment(new TextEncoder().encode("Hello from the simulator!"), key)
      assert.strictEqual(encrypted.key, `00${Buffer.from(key).toString("hex")}`)
      assert.strictEqual(
        Buffer.from(encrypted.ciphertext).toString("hex"),
        "baf56cda4569f9a2c69eba1eb54b57f3993003c22bcdf09787"
      )
      const plain = yield* decryptAttachment(encrypted.ciphertext, encrypted.key.toUpperCase())
      assert.strictEqual(Buffer.from(plain).toString(), "Hello from the simulator!")
      assert.isTrue(Exit.isFailure(yield* Effect.exit(decryptAttachment(encrypted.ciphertext, "00zz"))))
    })
  )

  it.effect("decrypts the legacy AUTH token vector of docs/apple.md", () =>
    Effect.gen(function* () {
      const privateKey = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEjRWeJCrze8SNFZ4kKvN7xI0VniQq83v"
      const token =
        "BP1uQGaV1ICPdjJ0TLbzV+lws7oOIuZhzRnOkjGbjccUjvjYly3xqrns7zO+AAN/dS8iuiAgInE8ZcU9+MiBGEGciP33H9bDPOwtb0uAk6FCFICU6vCYN8lVC5VpeVfW04bJHCKLmdnTpe+D+NH/JNraSCOQdjMR6o6RvdDxWo9Ao7mHISDrN059"
      assert.strictEqual(yield* decryptAuthToken(token, privateKey), "sample-oauth-access-token")
      // Apple's sample stores the minimal-length scalar; both forms must work.
      const minimal = Buffer.from(privateKey, "base64").subarray(16).toString("base64")
      assert.strictEqual(yield* decryptAuthToken(token, minimal), "sample-oauth-access-token")
    })
  )

  it.effect("round-trips a token encrypted to a fresh key pair and refuses a tampered one", () =>
    Effect.gen(function* () {
      const pair = generateAuthKeyPair()
      assert.strictEqual(Buffer.from(pair.publicKey, "base64").length, 97)
      const token = encryptAuthToken("access-123", pair.publicKey)
      assert.strictEqual(yield* decryptAuthToken(token, pair.privateKey), "access-123")
      const bytes = Buffer.from(token, "base64")
      bytes[100] = (bytes[100] ?? 0) ^ 1
      assert.isTrue(Exit.isFailure(yield* Effect.exit(decryptAuthToken(bytes.toString("base64"), pair.privateKey))))
    })
  )
})
