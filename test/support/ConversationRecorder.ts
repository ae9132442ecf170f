import { Effect } from "effect"
import { Conversation, type Message as ConversationMessage } from "../../actors/conversation/ConversationProtocol.ts"
import * as Actor from "../../runtime/Actor.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import * as Turn from "../../runtime/Turn.ts"

export interface Recorded {
  readonly conversation: string
  readonly message: ConversationMessage
}

/**
 * A stand-in for the conversation actor: registered under the real `Conversation` protocol, it only
 * records what it is told, once per stream sequence (a replayed turn is not recorded twice).
 */
export const makeRecorder = () => {
  const received: Array<Recorded> = []
  const seen = new Set<string>()
  const kind = Actor.make(Conversation, {
    activate: (id) => Effect.succeed({ id }),
    turn: (state, message) =>
      Effect.flatMap(Turn.Turn, (turn) =>
        Effect.sync(() => {
          const key = `${state.id} ${turn.seq}`
          if (!seen.has(key)) received.push({ conversation: state.id, message })
          seen.add(key)
          return state
        })
      )
  })
  return { received, erased: erase(kind) }
}

export type Recorder = ReturnType<typeof makeRecorder>
