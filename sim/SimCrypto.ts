import { createCipheriv, createECDH, createHash, randomBytes } from "node:crypto"

/**
 * The device's cryptography (docs/apple.md, "Attachments" and "Sign-in"): AES-256-CTR with an
 * all-zero IV and a fresh key carried as `"00"` + hex, and the legacy sign-in token encrypted to the
 * MSP's P-384 key (ECIES, X9.63-KDF SHA-256, AES-GCM with the derived IV).
 */
export const aesCtr = (key: Uint8Array, data: Uint8Array): Uint8Array => {
  const cipher = createCipheriv("aes-256-ctr", key, Buffer.alloc(16))
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]))
}

export const encrypt = (plaintext: Uint8Array): { readonly ciphertext: Uint8Array; readonly key: string } => {
  const key = randomBytes(32)
  return { ciphertext: aesCtr(key, plaintext), key: `00${key.toString("hex")}` }
}

/** The raw key of a `"00"` + hex key (either case), or undefined when it is not one. */
export const keyBytes = (key: string): Uint8Array | undefined => {
  const hex = key.length === 66 && key.startsWith("00") ? key.slice(2) : key
  return /^[0-9a-fA-F]{64}$/.test(hex) ? new Uint8Array(Buffer.from(hex, "hex")) : undefined
}

const x963Kdf = (shared: Uint8Array, sharedInfo: Uint8Array, length: number): Buffer => {
  const blocks: Array<Buffer> = []
  for (let counter = 1; blocks.length * 32 < length; counter++) {
    const c = Buffer.alloc(4)
    c.writeUInt32BE(counter)
    blocks.push(createHash("sha256").update(shared).update(c).update(sharedInfo).digest())
  }
  return Buffer.concat(blocks).subarray(0, length)
}

/** Legacy AUTH: the access token encrypted to `responseEncryptionKey` (ephemeral point ‖ ciphertext ‖ tag). */
export const encryptAuthToken = (plaintext: string, publicKeyBase64: string): string => {
  const ecdh = createECDH("secp384r1")
  const ephemeral = ecdh.generateKeys()
  const derived = x963Kdf(ecdh.computeSecret(Buffer.from(publicKeyBase64, "base64")), ephemeral, 48)
  const cipher = createCipheriv("aes-256-gcm", derived.subarray(0, 32), derived.subarray(32), { authTagLength: 16 })
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
  return Buffer.concat([ephemeral, body, cipher.getAuthTag()]).toString("base64")
}
