import { describe } from "@effect/vitest"
import { storySuite } from "./StorySuite.ts"

describe("acceptance story on NATS + PostgreSQL", () => {
  storySuite("nats")
})
