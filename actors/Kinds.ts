import type { AppleClient } from "../apple/AppleClient.ts"
import type { AppleConfig } from "../apple/AppleConfig.ts"
import type { ErasedKind } from "../runtime/ErasedKind.ts"
import type { ObjectStore } from "../runtime/ObjectStore.ts"
import type { RuntimeConfig } from "../runtime/RuntimeConfig.ts"
import * as Agent from "./agent/Agent.ts"
import * as AppleOutbound from "./apple/AppleOutbound.ts"
import type { AttachmentConfig } from "./attachments/AttachmentConfig.ts"
import * as Conversation from "./conversation/Conversation.ts"
import type { IdentityProvider } from "./conversation/IdentityProvider.ts"
import type { PublicLinks } from "./PublicLinks.ts"
import * as Queue from "./queue/Queue.ts"

/** What the product's actors may require beyond the runtime's own services. */
export type ActorServices =
  | AppleClient
  | AppleConfig
  | PublicLinks
  | RuntimeConfig
  | IdentityProvider
  | ObjectStore
  | AttachmentConfig

/** Every actor kind a Parley node hosts. */
export const kinds: ReadonlyArray<ErasedKind<ActorServices>> = [
  AppleOutbound.erased,
  Conversation.erased,
  Queue.erased,
  Agent.erased
]
