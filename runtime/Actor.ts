import { type Duration, Effect, type ParseResult, Schema } from "effect"
import type { Db } from "../db/Db.ts"
import type { Turn } from "./Turn.ts"

/**
 * What others need to address an actor kind: its name, partition count and message Schemas.
 * Kept apart from the behaviour so kinds that message each other do not import each other's logic.
 *
 * - `message`: what `tell` sends, durably, through the kind's stream (a Schema union).
 * - `ask`: read-only requests answered by the live owner (`Schema.TaggedRequest` union: payload,
 *   success and error Schemas per request).
 */
export interface Protocol<Msg, MsgEncoded, Ask extends Schema.TaggedRequest.All = never, AskEncoded = never> {
  readonly name: string
  readonly partitions: number
  readonly message: Schema.Schema<Msg, MsgEncoded>
  readonly ask?: Schema.Schema<Ask, AskEncoded>
}

export interface Options {
  /** Deliveries buffered per actor; a full mailbox stops its partition's pulls (back-pressure). */
  readonly mailboxCapacity: number
  /** Idle time after which an actor with an empty mailbox is dropped from memory (its state is in PostgreSQL). */
  readonly idleTimeout: Duration.DurationInput
  /** First back-off of an in-place retry; doubles per attempt up to `retryCap`, jittered ±50%. */
  readonly retryBase: Duration.DurationInput
  readonly retryCap: Duration.DurationInput
  /** Attempts of one message before it is dead-lettered. */
  readonly maxAttempts: number
  /** Restarts (state rebuilt after a defect) allowed per actor within `restartWindow`, then the head message is dead-lettered. */
  readonly maxRestarts: number
  readonly restartWindow: Duration.DurationInput
  /**
   * `true` (default): the turn runs inside the runtime's transaction. `false`: for turns that call
   * out (e.g. HTTP to Apple) and must not hold a connection meanwhile; the turn runs first, then a
   * short transaction checks the fence and records the sequence and outbox. Such turns must be
   * idempotent: a crash after the call and before the commit repeats it.
   */
  readonly transactional: boolean
}

/**
 * State the runtime keeps for a kind (`Behavior.state`, made by `stored`): loaded from
 * `actor_snapshots` on activation, and saved in the turn's transaction whenever a turn changed
 * what is kept — the kind writes no snapshot code of its own.
 */
export interface StoredState<State, R> {
  /** The state from what was stored (`undefined`: nothing yet). */
  readonly restore: (id: string, stored: unknown) => Effect.Effect<State, unknown, R | Db>
  /** What is kept of `state`, as JSON. */
  readonly encode: (state: State) => Effect.Effect<unknown, ParseResult.ParseError>
}

/**
 * A kind's stored state: `schema` is what is kept (a part of the state: not what is derived from
 * the actor's id or re-read on activation), `keep` takes it from the state and `restore` rebuilds
 * the state from it (from `initial` for an actor never stored).
 */
export const stored = <State, Kept, KeptEncoded, R = never>(spec: {
  readonly schema: Schema.Schema<Kept, KeptEncoded>
  readonly initial: Kept
  readonly keep: (state: State) => Kept
  readonly restore: (id: string, kept: Kept) => Effect.Effect<State, unknown, R | Db>
}): StoredState<State, R> => {
  // Built once: a Schema's parser is not free to build, and these run on every turn.
  const decode = Schema.decodeUnknown(spec.schema)
  const encode = Schema.encode(spec.schema)
  return {
    restore: (id, json) =>
      Effect.flatMap(json === undefined ? Effect.succeed(spec.initial) : decode(json), (kept) =>
        spec.restore(id, kept)
      ),
    encode: (state) => encode(spec.keep(state))
  }
}

export interface Behavior<Msg, State, Ask extends Schema.TaggedRequest.All, R> {
  /** State kept by the runtime (`stored`); a kind without it loads its state in `activate`. */
  readonly state?: StoredState<State, R>
  /**
   * Loads the actor's state (virtual activation) when the kind has no `state`; runs before its
   * first turn and after a restart.
   */
  readonly activate?: (id: string) => Effect.Effect<State, unknown, R | Db>
  /**
   * Handles one message inside the runtime's transaction and returns the next state. Effects that
   * leave the actor go through `Turn` (outbox), so they happen only if the transaction commits.
   */
  readonly turn: (state: State, message: Msg) => Effect.Effect<State, unknown, R | Db | Turn>
  /**
   * A step before the turn, outside any transaction, for call-outs a turn must not make while it
   * holds a connection (downloading a customer's attachment from Apple; `callOut` in
   * runtime/CallOut.ts refuses them inside a transactional turn): it returns the message the
   * turn then handles. It runs again when the turn is retried, so it must be idempotent; a message
   * whose turn already committed skips it. `undefined`: this message has nothing to prepare (most
   * have none), so the runtime does not even read whether its turn committed.
   */
  readonly prepare?: (message: Msg) => Effect.Effect<Msg, unknown, R> | undefined
  /** Answers a request from the current state, outside any transaction. */
  readonly ask?: (
    state: State,
    request: Ask
  ) => Effect.Effect<Schema.WithResult.Success<Ask>, Schema.WithResult.Failure<Ask>, R | Db>
  readonly options?: Partial<Options>
}

export interface Kind<Msg, MsgEncoded, State, Ask extends Schema.TaggedRequest.All, AskEncoded, R> {
  readonly protocol: Protocol<Msg, MsgEncoded, Ask, AskEncoded>
  readonly behavior: Behavior<Msg, State, Ask, R>
}

export const protocol = <Msg, MsgEncoded, Ask extends Schema.TaggedRequest.All = never, AskEncoded = never>(
  p: Protocol<Msg, MsgEncoded, Ask, AskEncoded>
): Protocol<Msg, MsgEncoded, Ask, AskEncoded> => p

export const make = <Msg, MsgEncoded, State, Ask extends Schema.TaggedRequest.All, AskEncoded, R>(
  protocol: Protocol<Msg, MsgEncoded, Ask, AskEncoded>,
  behavior: Behavior<Msg, State, Ask, R>
): Kind<Msg, MsgEncoded, State, Ask, AskEncoded, R> => ({ protocol, behavior })

export const defaultOptions: Options = {
  mailboxCapacity: 256,
  idleTimeout: "5 minutes",
  retryBase: "200 millis",
  retryCap: "5 seconds",
  maxAttempts: 5,
  maxRestarts: 5,
  restartWindow: "30 seconds",
  transactional: true
}
