import { createCipheriv, createDecipheriv, createECDH, createHash, randomBytes } from "node:crypto"
import { Data, Effect } from "effect"

/** A key, token or ciphertext that cannot be what Apple says it is. */
export class AppleCryptoError extends Data.TaggedError("AppleCryptoError")<{ readonly reason: string }> {}

const zeroIv = Buffer.alloc(16)

/** AES-256-CTR with an all-zero IV, as Apple uses for attachments and IDR blobs (length preserving). */
export const aesCtr = (key: Uint8Array, data: Uint8Array): Uint8Array => {
  const cipher = createCipheriv("aes-256-ctr", key, zeroIv)
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]))
}

export interface Encrypted {
  readonly ciphertext: Uint8Array
  /** `"00"` + hex of the fresh 32-byte key, the form Apple carries in `key`. */
  readonly key: string
}

export const encryptAttachment = (plaintext: Uint8Array, key: Uint8Array = randomBytes(32)): Encrypted => ({
  ciphertext: aesCtr(key, plaintext),
  key: `00${Buffer.from(key).toString("hex")}`
})

/** Apple prefixes the hex key with `00` and varies the case. */
export const parseKey = (key: string): Effect.Effect<Uint8Array, AppleCryptoError> => {
  const hex = key.length === 66 && key.startsWith("00") ? key.slice(2) : key
  return /^[0-9a-fA-F]{64}$/.test(hex)
    ? Effect.succeed(new Uint8Array(Buffer.from(hex, "hex")))
    : Effect.fail(new AppleCryptoError({ reason: "key is not '00' + 64 hex digits" }))
}

export const decryptAttachment = (ciphertext: Uint8Array, key: string): Effect.Effect<Uint8Array, AppleCryptoError> =>
  Effect.map(parseKey(key), (raw) => aesCtr(raw, ciphertext))

/** `MMCS-Signature` wants Base64 of the bytes Apple hands us as (upper- or lower-case) hex. */
export const hexToBase64 = (hex: string): string => Buffer.from(hex.toUpperCase(), "hex").toString("base64")
export const base64ToHex = (b64: string): string => Buffer.from(b64, "base64").toString("hex").toUpperCase()

// Legacy AUTH token: "eciesEncryptionCofactorVariableIVX963SHA256AESGCM" on secp384r1 (docs/apple.md, "Sign-in").
const pointLength = 97

const x963Kdf = (shared: Uint8Array, sharedInfo: Uint8Array, length: number): Buffer => {
  const blocks: Array<Buffer> = []
  for (let counter = 1; blocks.length * 32 < length; counter++) {
    const c = Buffer.alloc(4)
    c.writeUInt32BE(counter)
    blocks.push(createHash("sha256").update(shared).update(c).update(sharedInfo).digest())
  }
  return Buffer.concat(blocks).subarray(0, length)
}

export interface AuthKeyPair {
  /** Keep secret: Base64 of the 48-byte big-endian private scalar. */
  readonly privateKey: string
  /** `responseEncryptionKey`: Base64 of the 97-byte uncompressed public point. */
  readonly publicKey: string
}

export const generateAuthKeyPair = (): AuthKeyPair => {
  const ecdh = createECDH("secp384r1")
  ecdh.generateKeys()
  return { privateKey: ecdh.getPrivateKey().toString("base64"), publicKey: ecdh.getPublicKey().toString("base64") }
}

/** Decrypts the `authenticate.token` of a legacy AUTH reply to the OAuth access token. */
export const decryptAuthToken = (token: string, privateKey: string): Effect.Effect<string, AppleCryptoError> =>
  Effect.try({
    try: () => {
      const bytes = Buffer.from(token, "base64")
      if (bytes.length < pointLength + 16 + 1) throw new Error("token too short")
      const ephemeral = bytes.subarray(0, pointLength)
      const body = bytes.subarray(pointLength, bytes.length - 16)
      const tag = bytes.subarray(bytes.length - 16)
      const scalar = Buffer.from(privateKey, "base64")
      const ecdh = createECDH("secp384r1")
      ecdh.setPrivateKey(Buffer.concat([Buffer.alloc(Math.max(0, 48 - scalar.length)), scalar]))
      const derived = x963Kdf(ecdh.computeSecret(ephemeral), ephemeral, 48)
      const decipher = createDecipheriv("aes-256-gcm", derived.subarray(0, 32), derived.subarray(32), {
        authTagLength: 16
      })
      decipher.setAuthTag(tag)
      return Buffer.concat([decipher.update(body), decipher.final()]).toString("utf8")
    },
    catch: (cause) =>
      new AppleCryptoError({ reason: `auth token: ${cause instanceof Error ? cause.message : "undecryptable"}` })
  })

/** The device's side of the legacy AUTH flow; the simulator uses it. */
export const encryptAuthToken = (plaintext: string, publicKey: string): string => {
  const ecdh = createECDH("secp384r1")
  const ephemeral = ecdh.generateKeys()
  const derived = x963Kdf(ecdh.computeSecret(Buffer.from(publicKey, "base64")), ephemeral, 48)
  const cipher = createCipheriv("aes-256-gcm", derived.subarray(0, 32), derived.subarray(32), { authTagLength: 16 })
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
  return Buffer.concat([ephemeral, body, cipher.getAuthTag()]).toString("base64")
}
