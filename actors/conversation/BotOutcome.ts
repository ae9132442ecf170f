import { Effect } from "effect"
import { type InteractionChanges, updateInteraction } from "../../db/queries/interactions.ts"
import type { Outcome } from "../virtual-agent/Channel.ts"

/**
 * What the virtual agent learned in a turn, written to the interaction before any hand-off reads
 * it: the topic and how the customer asked (a new topic clears the outcome of the one before),
 * then `handed_off` or `resolved`. `abandoned` is written when the interaction closes without
 * either (`closeInteraction`).
 */
export const recordBotOutcome = Effect.fnUntraced(function* (interactionId: string, outcome: Outcome) {
  const changes: InteractionChanges = {
    ...(outcome.topic !== undefined
      ? { topic: outcome.topic.id, botIntent: outcome.topic.intent, botOutcome: null }
      : {}),
    ...(outcome.handOff !== undefined
      ? { botOutcome: "handed_off" as const }
      : outcome.topicResolved
        ? { botOutcome: "resolved" as const }
        : {})
  }
  if (Object.keys(changes).length === 0) return
  yield* updateInteraction(interactionId, changes)
  yield* Effect.logDebug("bot outcome recorded").pipe(
    Effect.annotateLogs({ interactionId, topic: changes.topic, outcome: changes.botOutcome })
  )
})
