import { describe } from "@effect/vitest"
import { storySuite } from "./StorySuite.ts"

describe("acceptance story on the embedded bus + PGlite", () => {
  storySuite("embedded")
})
