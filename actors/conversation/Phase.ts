import { Schema } from "effect"

/**
 * Where a conversation is: the virtual agent answers (`bot`), it waits for a person (`queued`), a
 * person answers (`live`), or there is no open interaction (`closed`). An agent ending the chat
 * returns it to `bot` while the customer may go on.
 */
export const Phase = Schema.Literal("bot", "queued", "live", "closed")
export type Phase = typeof Phase.Type

/** How the interaction closes: complete once something was resolved, else abandoned. */
export const closedState = (resolved: boolean): "closed_complete" | "closed_abandoned" =>
  resolved ? "closed_complete" : "closed_abandoned"

/** Whether the virtual agent answers customer messages in this phase. */
export const botAnswers = (phase: Phase): boolean => phase === "bot"
