import { Effect } from "effect"
import { topicById } from "../../actors/virtual-agent/Topics.ts"
import type { Db } from "../../db/Db.ts"
import { assetsOf } from "../../db/queries/assets.ts"
import { customerOf } from "../../db/queries/CustomerRef.ts"
import { openCasesOf } from "../../db/queries/cases.ts"
import { findCustomer } from "../../db/queries/customers.ts"
import { findInteraction } from "../../db/queries/interactions.ts"
import { transcript } from "../../db/queries/messages.ts"
import { findOffer } from "../../db/queries/workspace.ts"

/** Transcript lines an offer carries; the rest of a long bot chat is one REST call away. */
const transcriptLines = 200

/**
 * Whether an offer's context may still go to `agentId`: the offer is his and pending, or he accepted
 * it and the chat is still assigned to him (then REST shows him the same transcript).
 */
export const stillHis = Effect.fn("AgentSocket.offerStillHis")(function* (
  agentId: string,
  offerId: string | undefined,
  interactionId: string
) {
  if (offerId === undefined) return false
  const offer = yield* findOffer(offerId)
  if (offer === undefined || offer.agentId !== agentId) return false
  if (offer.state === "offered") return true
  if (offer.state !== "accepted") return false
  return (yield* findInteraction(interactionId))?.assignedTo === agentId
})

/**
 * What the agent sees with an offer, read when it goes to the socket, and only while `stillHis`
 * holds (so a replayed offer never shows the chat after it stopped being his): the interaction, who the
 * customer is (linked contact or consumer), their cards and open cases, the chat with the bot so
 * far, and why it came to a person: the bot's topic, how the customer asked, and the hand-off reason.
 */
export const offerContext = Effect.fn("AgentSocket.offerContext")(function* (interactionId: string) {
  const interaction = yield* findInteraction(interactionId)
  if (interaction === undefined) return undefined
  const ref = customerOf(interaction)
  const customer = ref === undefined ? undefined : yield* findCustomer(ref)
  const assets = ref === undefined ? [] : yield* assetsOf(ref)
  const cases = ref === undefined ? [] : yield* openCasesOf(ref)
  const lines = yield* transcript(interactionId, { limit: transcriptLines })
  return {
    interaction: {
      id: interaction.id,
      number: interaction.number,
      state: interaction.state,
      intent: interaction.intent,
      group: interaction.group,
      locale: interaction.locale,
      topic: interaction.topic,
      reason: interaction.reason,
      botIntent: interaction.botIntent,
      botOutcome: interaction.botOutcome,
      capabilities: interaction.capabilities,
      /** Apple's device agent header (iPhone, iPad, Mac and OS), when the device sent one. */
      deviceAgent: interaction.deviceAgent,
      openedAt: interaction.openedAt.toISOString()
    },
    handOff: {
      topic: interaction.topic,
      topicTitle: interaction.topic === null ? null : (topicById(interaction.topic)?.title ?? interaction.topic),
      intent: interaction.botIntent,
      reason: interaction.reason
    },
    customer:
      customer === undefined
        ? null
        : {
            kind: customer.ref.kind,
            id: customer.ref.id,
            name: `${customer.firstName} ${customer.lastName}`,
            email: customer.email,
            phone: customer.phone,
            tier: customer.tier,
            account: customer.account
          },
    assets: assets.map((a) => ({
      id: a.id,
      type: a.type,
      productName: a.productName,
      maskedNumber: a.maskedNumber,
      status: a.status
    })),
    openCases: cases.map((c) => ({
      number: c.number,
      shortDescription: c.shortDescription,
      state: c.state,
      openedAt: c.openedAt.toISOString()
    })),
    transcript: lines.map((m) => ({
      id: m.id,
      direction: m.direction,
      author: m.authorKind,
      kind: m.kind,
      body: m.body,
      at: m.createdAt.toISOString()
    }))
  }
})

export type OfferContext = Effect.Effect.Success<ReturnType<typeof offerContext>>
export type OfferContextServices = Db
