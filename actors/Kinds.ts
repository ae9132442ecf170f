import type { AppleClient } from "../http/apple/AppleClient.ts"
import type { AppleConfig } from "../http/apple/AppleConfig.ts"
import type { ErasedKind } from "../runtime/ErasedKind.ts"

/** What the product's actors may require beyond the runtime's own services. */
export type ActorServices = AppleClient | AppleConfig

/** Every actor kind a Parley node hosts. */
export const kinds: ReadonlyArray<ErasedKind<ActorServices>> = []
