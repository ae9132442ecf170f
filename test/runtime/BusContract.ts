import { describe } from "@effect/vitest"
import { coreTests } from "./BusContractCore.ts"
import { deliveryTests } from "./BusContractDelivery.ts"
import { kvTests } from "./BusContractKv.ts"
import { streamTests } from "./BusContractStreams.ts"
import type { BusContractOptions } from "./BusContractSupport.ts"
import { contractTest } from "./BusContractSupport.ts"

export type { BusContractOptions } from "./BusContractSupport.ts"

/**
 * The behaviour every `Bus` layer must share; each layer's test file calls this once.
 * Results are compared with what the bus itself returned (sequences, revisions), never with
 * numbers a particular server happens to produce.
 */
export const busContract = (options: BusContractOptions): void => {
  const test = contractTest(options)
  describe(options.name, () => {
    describe("core", () => coreTests(test))
    describe("streams", () => streamTests(test))
    describe("deliveries", () => deliveryTests(test))
    describe("kv", () => kvTests(test))
  })
}
