import type { Duration } from "effect"
import { Deferred, Effect, Exit, Queue } from "effect"
import type { BusMessage, BusShape, Headers } from "../Bus.ts"
import { BusError, BusTimeout, NoResponders } from "../Bus.ts"
import { subjectMatches } from "./subjects.ts"

interface Subscription {
  readonly pattern: string
  readonly queue: string | undefined
  readonly deliver: (message: BusMessage) => void
}

export interface MemoryCore {
  /** Delivers to every plain subscriber and one member per queue group; returns how many got it. */
  readonly dispatch: (subject: string, data: Uint8Array, headers: Headers, reply?: string) => number
  readonly subscribe: BusShape["subscribe"]
  readonly request: BusShape["request"]
}

export const makeMemoryCore = (): MemoryCore => {
  const subscriptions = new Set<Subscription>()
  // Round-robin per group: NATS picks a random member, any fair choice satisfies "exactly one".
  const turns = new Map<string, number>()
  let inboxes = 0

  const message = (subject: string, data: Uint8Array, headers: Headers, reply: string | undefined): BusMessage => ({
    subject,
    data,
    headers,
    respond: (answer, answerHeaders) =>
      reply === undefined
        ? Effect.fail(new BusError({ operation: "respond", message: `message on ${subject} has no reply subject` }))
        : Effect.sync(() => {
            dispatch(reply, answer, answerHeaders ?? {}, undefined)
          })
  })

  const dispatch = (subject: string, data: Uint8Array, headers: Headers, reply?: string): number => {
    const plain: Array<Subscription> = []
    const groups = new Map<string, Array<Subscription>>()
    for (const subscription of subscriptions) {
      if (!subjectMatches(subscription.pattern, subject)) continue
      if (subscription.queue === undefined) plain.push(subscription)
      else groups.set(subscription.queue, [...(groups.get(subscription.queue) ?? []), subscription])
    }
    const chosen = [...plain]
    for (const [queue, members] of groups) {
      const turn = turns.get(queue) ?? 0
      turns.set(queue, turn + 1)
      const member = members[turn % members.length]
      if (member !== undefined) chosen.push(member)
    }
    for (const subscription of chosen) subscription.deliver(message(subject, data, headers, reply))
    return chosen.length
  }

  const register = (subscription: Subscription) =>
    Effect.acquireRelease(
      Effect.sync(() => subscriptions.add(subscription)),
      () => Effect.sync(() => subscriptions.delete(subscription))
    )

  const subscribe: MemoryCore["subscribe"] = Effect.fn("MemoryBus.subscribe")(function* (
    subject: string,
    handler: (message: BusMessage) => Effect.Effect<void>,
    options?: { readonly queue?: string }
  ) {
    if (subject.length === 0) {
      return yield* new BusError({ operation: "subscribe", message: "empty subject" })
    }
    const inbox = yield* Effect.acquireRelease(Queue.unbounded<BusMessage>(), Queue.shutdown)
    yield* register({ pattern: subject, queue: options?.queue, deliver: (m) => Queue.unsafeOffer(inbox, m) })
    // One fiber per subscription keeps per-subscriber order, as a NATS subscription does.
    yield* Queue.take(inbox).pipe(
      Effect.flatMap((m) =>
        handler(m).pipe(Effect.catchAllCause((cause) => Effect.logError("Bus handler failed", subject, cause)))
      ),
      Effect.forever,
      Effect.forkScoped
    )
  })

  const request: MemoryCore["request"] = Effect.fn("MemoryBus.request")(function* (
    subject: string,
    data: Uint8Array,
    options: { readonly timeout: Duration.DurationInput; readonly headers?: Headers }
  ) {
    inboxes += 1
    const inbox = `_INBOX.memory.${inboxes}`
    const answer = yield* Deferred.make<BusMessage>()
    yield* register({
      pattern: inbox,
      queue: undefined,
      deliver: (m) => Deferred.unsafeDone(answer, Exit.succeed(m))
    })
    if (dispatch(subject, data, options.headers ?? {}, inbox) === 0) {
      return yield* new NoResponders({ subject })
    }
    return yield* Deferred.await(answer).pipe(
      Effect.timeoutFail({
        duration: options.timeout,
        onTimeout: () => new BusTimeout({ operation: "request", subject })
      })
    )
  }, Effect.scoped)

  return { dispatch, subscribe, request }
}
