import { Layer } from "effect"
import * as MemoryObjectStore from "../../runtime/MemoryObjectStore.ts"
import { objectStoreContract } from "./ObjectStoreContract.ts"

objectStoreContract({ name: "MemoryObjectStore", layer: () => Layer.fresh(MemoryObjectStore.layer) })
