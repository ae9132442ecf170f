import { Schema } from "effect"
import { CustomerRef } from "../../db/queries/CustomerRef.ts"
import { AgentState, initial as initialAgent } from "../virtual-agent/AgentState.ts"
import { Phase } from "./Phase.ts"

/** A sign-in request in flight: its nonce, and what has come back so far. */
export const SignIn = Schema.Struct({
  state: Schema.String,
  requestIdentifier: Schema.String,
  /** Legacy AUTH: the key the device encrypts the token to; single-use, dropped once answered. */
  privateKey: Schema.optional(Schema.String),
  /** AUTH2: the code the identity provider sent to our redirect URI. */
  code: Schema.optional(Schema.String),
  replied: Schema.Boolean,
  /** The topic to resume once signed in. */
  topic: Schema.optional(Schema.String)
})
export type SignIn = typeof SignIn.Type

/** A call-back the live agent offered: the slots sent in the time picker, until the customer picks one. */
export const CallBackOffer = Schema.Struct({
  agentId: Schema.String,
  queue: Schema.String,
  slots: Schema.Array(Schema.Struct({ id: Schema.String, start: Schema.String, label: Schema.String })),
  requestIdentifier: Schema.optional(Schema.String)
})
export type CallBackOffer = typeof CallBackOffer.Type

/** The conversation's state, written through to `actor_snapshots` on every turn. */
export const ConversationState = Schema.Struct({
  phase: Phase,
  interactionId: Schema.optional(Schema.String),
  customer: Schema.optional(CustomerRef),
  capabilities: Schema.Array(Schema.String),
  deviceAgent: Schema.optional(Schema.String),
  locale: Schema.optional(Schema.String),
  /** Something was resolved in the current interaction. */
  resolved: Schema.Boolean,
  /** The customer closed the chat: the Apple sender holds everything until they write again. */
  customerClosed: Schema.Boolean,
  agent: AgentState,
  signIn: Schema.optional(SignIn),
  /** The live agent (user id) the current interaction is assigned to, once one accepted it. */
  liveAgent: Schema.optional(Schema.String),
  /** The live agent's work item (for their workspace's wrap-up and complete). */
  liveWorkItem: Schema.optional(Schema.String),
  callBack: Schema.optional(CallBackOffer),
  /**
   * The agent closed the interaction and the bot asked for feedback: answers go to it, anything
   * else the customer starts opens a new interaction.
   */
  closedByAgent: Schema.optional(Schema.Boolean)
})
export type ConversationState = typeof ConversationState.Type

export const initial: ConversationState = {
  phase: "closed",
  capabilities: [],
  resolved: false,
  customerClosed: false,
  agent: initialAgent
}
