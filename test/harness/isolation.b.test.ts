import { describe, it } from "@effect/vitest"
import { writeSharedKeyAndReadBack } from "./isolation.ts"

// Runs beside isolation.a.test.ts (another worker), which writes the same keys with another value.
describe("isolation b", () => {
  it.scopedLive("sees only its own KV entry and row", () => writeSharedKeyAndReadBack("isob", 202))
})
