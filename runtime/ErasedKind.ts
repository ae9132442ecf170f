import { Effect, Ref, Schema } from "effect"
import type { Db } from "../db/Db.ts"
import type { Kind, Options } from "./Actor.ts"
import type { Turn } from "./Turn.ts"

/**
 * A kind with its message types hidden behind closures, so one partition runtime can host every
 * kind without casts: bytes in, bytes out, state kept inside the instance.
 */
export interface ErasedKind<R> {
  readonly name: string
  readonly partitions: number
  readonly options: Partial<Options>
  readonly instantiate: (id: string) => Effect.Effect<Instance<R>, unknown, R | Db>
}

export interface Instance<R> {
  /** Decodes and handles one message; the returned effect applies the new state once the turn committed. */
  readonly turn: (payload: string) => Effect.Effect<Effect.Effect<void>, unknown, R | Db | Turn>
  /** Decodes a request, answers it from the current state and encodes the exit. */
  readonly answer: (payload: string) => Effect.Effect<string, never, R | Db>
}

/** A payload that does not decode against the kind's Schema: retrying cannot help. */
export class UndecodableMessage extends Schema.TaggedError<UndecodableMessage>()("UndecodableMessage", {
  kind: Schema.String,
  reason: Schema.String
}) {}

const unsupported = Schema.Struct({ _tag: Schema.Literal("Failure"), reason: Schema.String })

export const erase = <Msg, MsgEncoded, State, Ask extends Schema.TaggedRequest.All, AskEncoded, R>(
  kind: Kind<Msg, MsgEncoded, State, Ask, AskEncoded, R>
): ErasedKind<R | Schema.WithResult.Context<Ask>> => {
  const { protocol, behavior } = kind
  const decodeMessage = Schema.decodeUnknown(Schema.parseJson(protocol.message))
  const askSchema = protocol.ask
  return {
    name: protocol.name,
    partitions: protocol.partitions,
    options: behavior.options ?? {},
    instantiate: (id) =>
      Effect.gen(function* () {
        const state = yield* Ref.make(yield* behavior.activate(id))
        const turn = (payload: string) =>
          Effect.gen(function* () {
            const message = yield* decodeMessage(payload).pipe(
              Effect.mapError((e) => new UndecodableMessage({ kind: protocol.name, reason: e.message }))
            )
            const next = yield* behavior.turn(yield* Ref.get(state), message)
            return Ref.set(state, next)
          })
        const answer = (payload: string): Effect.Effect<string, never, R | Db | Schema.WithResult.Context<Ask>> => {
          if (askSchema === undefined || behavior.ask === undefined) {
            return Effect.succeed(JSON.stringify(unsupported.make({ _tag: "Failure", reason: "no asks" })))
          }
          const handler = behavior.ask
          return Schema.decodeUnknown(Schema.parseJson(askSchema))(payload).pipe(
            Effect.flatMap((request) =>
              Effect.flatMap(Ref.get(state), (current) => handler(current, request)).pipe(
                Effect.exit,
                Effect.flatMap((exit) => Schema.serializeExit(Schema.asWithResult(request), exit))
              )
            ),
            Effect.map((encoded) => JSON.stringify(encoded)),
            Effect.catchAll((e) =>
              Effect.succeed(JSON.stringify({ _tag: "Failure", cause: { _tag: "Die", defect: String(e) } }))
            )
          )
        }
        return { turn, answer }
      })
  }
}
