import { Data, Effect } from "effect"
import { customerOf } from "../../db/queries/CustomerRef.ts"
import { findCustomer } from "../../db/queries/customers.ts"
import { findInteraction, updateInteraction } from "../../db/queries/interactions.ts"
import { findQueueByName, listQueues } from "../../db/queries/queues.ts"
import { enqueueWorkItem } from "../../db/queries/workItems.ts"
import * as Turn from "../../runtime/Turn.ts"
import { Enqueued, Queue } from "../queue/QueueProtocol.ts"
import { routeTo } from "../queue/Routing.ts"

/** The queue every Apple conversation enters unless routing says otherwise. */
export const defaultQueue = "apple_default"

/** Event topic of hand-offs, for live views. */
export const handOffTopic: ReadonlyArray<string> = ["queue", defaultQueue, "enqueued"]

export class QueueMissing extends Data.TaggedError("QueueMissing")<{ readonly queue: string }> {}

/** The queue whose routing conditions take this interaction (Apple's intent and group, topic, locale, tier). */
const chooseQueue = Effect.fnUntraced(function* (interactionId: string) {
  const interaction = yield* findInteraction(interactionId)
  const customer = interaction === undefined ? undefined : customerOf(interaction)
  const profile = customer === undefined ? undefined : yield* findCustomer(customer)
  const routed = routeTo(yield* listQueues(), {
    channel: "apple_messages",
    intent: interaction?.intent ?? undefined,
    group: interaction?.group ?? undefined,
    topic: interaction?.topic ?? undefined,
    locale: interaction?.locale ?? undefined,
    tier: profile?.tier
  })
  return routed ?? (yield* findQueueByName(defaultQueue))
})

/**
 * THE seam between the virtual agent and live agents: the interaction gets a work item in the
 * queue routing chooses, and that queue's actor is told in the same turn (durably, through the
 * outbox), so it offers the work to an available agent and nothing waits unseen.
 */
export const handOffToLiveAgent = Effect.fnUntraced(function* (
  conversationId: string,
  interactionId: string,
  reason: string
) {
  const queue = yield* chooseQueue(interactionId)
  if (queue === undefined) return yield* new QueueMissing({ queue: defaultQueue })
  const item = yield* enqueueWorkItem({ interactionId, queueId: queue.id })
  yield* updateInteraction(interactionId, { queueId: queue.id, reason })
  yield* Effect.logInfo(`hand-off: interaction queued in ${queue.name}`).pipe(
    Effect.annotateLogs({ conversationId, interactionId, workItemId: item.id, reason })
  )
  yield* Turn.tell(Queue, queue.name, Enqueued.make({ workItemId: item.id }))
  yield* Turn.emit(handOffTopic, {
    conversationId,
    interactionId,
    workItemId: item.id,
    queueId: queue.id,
    queue: queue.name,
    reason
  })
  return item
})
