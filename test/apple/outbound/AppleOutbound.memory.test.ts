import { describe } from "@effect/vitest"
import * as PgliteDb from "../../../db/PgliteDb.ts"
import * as MemoryBus from "../../../runtime/MemoryBus.ts"
import { outboundSuite } from "./OutboundSuite.ts"

describe("Apple sender on the in-process bus and PGlite, against the simulator", () => {
  outboundSuite({ label: "memory", bus: () => MemoryBus.layer, db: () => PgliteDb.layerMemory })
})
