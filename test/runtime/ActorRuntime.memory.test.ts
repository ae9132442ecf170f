import { describe } from "@effect/vitest"
import { Layer } from "effect"
import * as PgliteDb from "../../db/PgliteDb.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import { runtimeSuite } from "./ActorRuntimeSuite.ts"

describe("actor runtime on the in-process bus and PGlite", () => {
  runtimeSuite({
    label: "memory",
    bus: () => MemoryBus.layer,
    db: () => PgliteDb.layerMemory,
    concurrentTransactions: false,
    cleanup: () => Layer.empty
  })
})
