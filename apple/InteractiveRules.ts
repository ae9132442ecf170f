import type { InteractiveData } from "./Interactive.ts"
import type { Bubble } from "./InteractiveCommon.ts"

/** The title Apple shows in notifications and compares with an IDR's `title`. */
export const titleOf = (data: InteractiveData): string | undefined =>
  (data.receivedMessage as Bubble | undefined)?.title ?? data.data?.["quick-reply"]?.summaryText
