import * as MemoryBus from "../../runtime/MemoryBus.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { busContract } from "./BusContract.ts"

busContract({ name: "MemoryBus", layer: MemoryBus.layer, prefix: () => uniquePrefix("mem"), live: false })
