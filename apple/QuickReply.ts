import { Schema } from "effect"
import { type BubbleOptions, type BuiltInteractive, interactive } from "./InteractiveCommon.ts"

/** Capability `QUICK`: 2–5 single-line options, no bubbles in Apple's sample. */
export const QuickReply = Schema.Struct({
  summaryText: Schema.NonEmptyString,
  items: Schema.Array(Schema.Struct({ identifier: Schema.NonEmptyString, title: Schema.NonEmptyString }))
})
export type QuickReply = typeof QuickReply.Type

export interface QuickReplyOptions extends Omit<BubbleOptions, "receivedMessage" | "replyMessage"> {
  readonly summaryText: string
  readonly items: ReadonlyArray<{ readonly identifier: string; readonly title: string }>
}

export const make = (options: QuickReplyOptions): BuiltInteractive<"quick-reply", QuickReply> => {
  if (options.items.length < 2 || options.items.length > 5) throw new Error("QuickReply.make: needs 2 to 5 items")
  return interactive("quick-reply", { summaryText: options.summaryText, items: options.items }, options)
}
