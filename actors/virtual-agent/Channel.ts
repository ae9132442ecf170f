import type { Effect } from "effect"
import type { OutboundContent } from "../../apple/OutboundMessage.ts"
import type { Db } from "../../db/Db.ts"
import type { CustomerProfile } from "../../db/queries/customers.ts"
import type { Turn } from "../../runtime/Turn.ts"
import type { Act } from "./Topic.ts"

/** What the virtual agent needs from the conversation it runs in. */
export interface Channel {
  readonly interactionId: string
  readonly customer: CustomerProfile | undefined
  readonly capabilities: ReadonlyArray<string>
  readonly deviceAgent: string | undefined
  /** Base of the knowledge and community links. */
  readonly publicUrl: string
  /** Whether this device can sign in with Apple (`AUTH2`/`AUTH`). */
  readonly canSignIn: boolean
  /** Sends to the customer: gated by capabilities, written to the transcript, handed to the Apple sender. */
  readonly send: (content: OutboundContent, kind: string) => Effect.Effect<void, unknown, Db | Turn>
  /** A system line in the transcript (e.g. a form asked field by field because the device has no forms). */
  readonly note: (kind: string, body: Readonly<Record<string, unknown>>) => Effect.Effect<void, unknown, Db>
}

/** What the conversation must do after the agent's turn. */
export interface Outcome {
  /** A topic completed (the interaction closes as complete rather than abandoned). */
  resolved: boolean
  /** Hand the conversation to a live agent, with this reason. */
  handOff?: string
  /** The customer needs to sign in before this topic can run. */
  signInFor?: string
  /** The conversation is over (feedback given): close the interaction. */
  finish: boolean
  /** The (tracked) topic the customer's message was about, and how they asked: recorded on the interaction. */
  topic?: { readonly id: string; readonly intent: Act }
  /** A tracked topic ended with the bot's answer: the interaction's bot outcome is `resolved`. */
  topicResolved: boolean
}

export const emptyOutcome = (): Outcome => ({ resolved: false, finish: false, topicResolved: false })
