import { describe, it } from "@effect/vitest"
import { writeSharedKeyAndReadBack } from "./isolation.ts"

// Runs beside isolation.b.test.ts (another worker), which writes the same keys with another value.
describe("isolation a", () => {
  it.scopedLive("sees only its own KV entry and row", () => writeSharedKeyAndReadBack("isoa", 101))
})
