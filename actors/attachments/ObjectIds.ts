import { createHash } from "node:crypto"

/**
 * A UUID-shaped id derived from `parts`: the same message's file gets the same id on a retried
 * turn, so its bytes are stored once (a second put replaces them) and its row is recorded once.
 */
export const derivedId = (...parts: ReadonlyArray<string | number>): string => {
  const h = createHash("sha256").update(parts.join("\n")).digest("hex")
  const variant = ((Number.parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
}
