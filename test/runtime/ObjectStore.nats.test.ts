import { Layer } from "effect"
import * as NatsObjectStore from "../../runtime/NatsObjectStore.ts"
import { removeOnClose } from "../support/NatsCleanup.ts"
import { natsUrl, uniquePrefix } from "../support/TestEnv.ts"
import { objectStoreContract } from "./ObjectStoreContract.ts"

objectStoreContract({
  name: "NatsObjectStore",
  layer: () => {
    const prefix = uniquePrefix("obj")
    return NatsObjectStore.layer({
      servers: [natsUrl()],
      name: "parley-object-store-contract",
      bucket: `${prefix}_files`,
      replicas: 1
    }).pipe(Layer.merge(Layer.scopedDiscard(removeOnClose(prefix))))
  }
})
