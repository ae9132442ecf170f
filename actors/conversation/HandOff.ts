import { Data, Effect } from "effect"
import { updateInteraction } from "../../db/queries/interactions.ts"
import { findQueueByName } from "../../db/queries/queues.ts"
import { enqueueWorkItem } from "../../db/queries/workItems.ts"
import * as Turn from "../../runtime/Turn.ts"

/** The queue every Apple conversation enters unless routing says otherwise. */
export const defaultQueue = "apple_default"

/** Event topic of hand-offs, for the queue actor and live views. */
export const handOffTopic: ReadonlyArray<string> = ["queue", defaultQueue, "enqueued"]

export class QueueMissing extends Data.TaggedError("QueueMissing")<{ readonly queue: string }> {}

/**
 * THE seam between the virtual agent and live agents: the interaction gets a work item in the
 * Apple queue. The queue actor (next issue) takes it from here — offering it to an available agent
 * and accepting it into the Agent Workspace — triggered by this event or its own sweep of waiting work.
 */
export const handOffToLiveAgent = Effect.fn("Conversation.handOffToLiveAgent")(function* (
  conversationId: string,
  interactionId: string,
  reason: string
) {
  const queue = yield* findQueueByName(defaultQueue)
  if (queue === undefined) return yield* new QueueMissing({ queue: defaultQueue })
  const item = yield* enqueueWorkItem({ interactionId, queueId: queue.id })
  yield* updateInteraction(interactionId, { queueId: queue.id, reason })
  yield* Effect.logInfo(`hand-off: interaction queued in ${defaultQueue}`).pipe(
    Effect.annotateLogs({ conversationId, interactionId, workItemId: item.id, reason })
  )
  yield* Turn.emit(handOffTopic, { conversationId, interactionId, workItemId: item.id, queueId: queue.id, reason })
  return item
})
