import { Context, Effect, type ParseResult, Schema } from "effect"
import type { DbError } from "../db/DbError.ts"

/** What a turn may address: any kind's name, partition count and message Schema. */
export interface Addressable<Msg, MsgEncoded> {
  readonly name: string
  readonly partitions: number
  readonly message: Schema.Schema<Msg, MsgEncoded>
}

export interface TurnShape {
  readonly self: { readonly kind: string; readonly id: string; readonly partition: number }
  /** Stream sequence of the message being handled. */
  readonly seq: number
  readonly node: string
  readonly epoch: number
  /** Sends a durable message to an actor once this turn commits (transactional outbox). */
  readonly tell: <Msg, MsgEncoded>(
    target: Addressable<Msg, MsgEncoded>,
    id: string,
    message: Msg
  ) => Effect.Effect<void, ParseResult.ParseError>
  /** Publishes an event (at most once, for live views) once this turn commits. */
  readonly emit: (topic: ReadonlyArray<string>, payload: unknown) => Effect.Effect<void>
  /** Persists a timer: `message` is sent to the actor at `at` (at least once), replacing any timer with the same key. */
  readonly schedule: <Msg, MsgEncoded>(
    target: Addressable<Msg, MsgEncoded>,
    id: string,
    key: string,
    message: Msg,
    at: Date
  ) => Effect.Effect<void, ParseResult.ParseError | DbError>
  readonly cancel: (kind: string, id: string, key: string) => Effect.Effect<void, DbError>
}

/** The running turn, provided by the runtime to `Behavior.turn`. */
export class Turn extends Context.Tag("parley/runtime/Turn")<Turn, TurnShape>() {}

export const tell = <Msg, MsgEncoded>(target: Addressable<Msg, MsgEncoded>, id: string, message: Msg) =>
  Effect.flatMap(Turn, (turn) => turn.tell(target, id, message))

export const emit = (topic: ReadonlyArray<string>, payload: unknown) =>
  Effect.flatMap(Turn, (turn) => turn.emit(topic, payload))

export const schedule = <Msg, MsgEncoded>(
  target: Addressable<Msg, MsgEncoded>,
  id: string,
  key: string,
  message: Msg,
  at: Date
) => Effect.flatMap(Turn, (turn) => turn.schedule(target, id, key, message, at))

export const cancel = (kind: string, id: string, key: string) =>
  Effect.flatMap(Turn, (turn) => turn.cancel(kind, id, key))

// Building a JSON codec walks the whole Schema; do it once per message Schema, not per message.
const codecs = new WeakMap<object, (message: unknown) => Effect.Effect<string, ParseResult.ParseError>>()

/** The JSON a message travels as on the bus. */
export const encodeMessage = <Msg, MsgEncoded>(
  target: Addressable<Msg, MsgEncoded>,
  message: Msg
): Effect.Effect<string, ParseResult.ParseError> => {
  let codec = codecs.get(target.message)
  if (codec === undefined) {
    const encode = Schema.encodeUnknown(Schema.parseJson(target.message))
    codec = encode
    codecs.set(target.message, encode)
  }
  return codec(message)
}
