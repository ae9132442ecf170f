import { Effect, type ParseResult, Schema } from "effect"
import type { Db } from "../db/Db.ts"
import type { Behavior, Kind, Options } from "./Actor.ts"
import { loadSnapshot, saveSnapshot } from "./internal/store.ts"
import type { Turn } from "./Turn.ts"

/**
 * A kind with its message types hidden, so one partition runtime can host every kind without
 * casts: bytes in, bytes out, state kept inside the instance.
 */
export interface ErasedKind<R> {
  readonly name: string
  readonly partitions: number
  readonly options: Partial<Options>
  /** `tableKind`: the kind's name in the runtime's tables (`Names.tableKind`), where its state is kept. */
  readonly instantiate: (id: string, tableKind: string) => Effect.Effect<Instance<R>, unknown, R | Db>
}

/**
 * One live actor. Instances are what a node keeps per actor in memory, so they hold only the
 * state: the behaviour is shared by every instance of a kind (methods, not closures).
 */
export interface Instance<R> {
  /**
   * Decodes one message and runs the kind's `prepare` step, outside any transaction. The result is
   * the turn itself, whose own result applies the new state once the turn committed. When the step
   * has work for this message, `committed` is asked first: a message whose turn already committed
   * skips its call-outs, and the result is `"committed"`.
   */
  readonly prepare: (
    payload: string,
    committed: Effect.Effect<boolean, unknown, Db>
  ) => Effect.Effect<Prepared<R> | "committed", unknown, R | Db>
  /** Decodes a request, answers it from the current state and encodes the exit. */
  readonly answer: (payload: string) => Effect.Effect<string, never, R | Db>
}

/** A decoded, prepared message: running it (inside the turn's transaction) is the turn. */
export type Prepared<R> = Effect.Effect<Effect.Effect<void>, unknown, R | Db | Turn>

/** A payload that does not decode against the kind's Schema: retrying cannot help. */
export class UndecodableMessage extends Schema.TaggedError<UndecodableMessage>()("UndecodableMessage", {
  kind: Schema.String,
  reason: Schema.String
}) {}

const unsupported = Schema.Struct({ _tag: Schema.Literal("Failure"), reason: Schema.String })

/** What every instance of one kind shares: its name, decoders and behaviour. */
interface Shared<Msg, State, Ask extends Schema.TaggedRequest.All, R> {
  readonly name: string
  readonly decodeMessage: (payload: string) => Effect.Effect<Msg, ParseResult.ParseError>
  readonly decodeAsk: ((payload: string) => Effect.Effect<Ask, ParseResult.ParseError>) | undefined
  readonly behavior: Behavior<Msg, State, Ask, R>
}

class Live<Msg, State, Ask extends Schema.TaggedRequest.All, R>
  implements Instance<R | Schema.WithResult.Context<Ask>>
{
  constructor(
    private readonly shared: Shared<Msg, State, Ask, R>,
    private state: State,
    private readonly where: { readonly tableKind: string; readonly id: string },
    /** The JSON last stored of the state (`Behavior.state`): an unchanged state is not written again. */
    private stored: string | undefined
  ) {}

  prepare(
    payload: string,
    committed: Effect.Effect<boolean, unknown, Db>
  ): Effect.Effect<Prepared<R> | "committed", unknown, R | Db> {
    const { shared } = this
    return shared.decodeMessage(payload).pipe(
      Effect.mapError((e) => new UndecodableMessage({ kind: shared.name, reason: e.message })),
      Effect.flatMap((message): Effect.Effect<Prepared<R> | "committed", unknown, R | Db> => {
        const step = shared.behavior.prepare?.(message)
        if (step === undefined) return Effect.succeed(this.turnOf(message))
        return Effect.flatMap(
          committed,
          (done): Effect.Effect<Prepared<R> | "committed", unknown, R> =>
            done ? Effect.succeed("committed") : Effect.map(step, (ready) => this.turnOf(ready))
        )
      })
    )
  }

  private turnOf(message: Msg): Prepared<R> {
    const keeper = this.shared.behavior.state
    return Effect.gen(this, function* () {
      // The state as it is when the turn runs, not when it was prepared.
      const next = yield* this.shared.behavior.turn(this.state, message)
      let stored = this.stored
      if (keeper !== undefined) {
        const json = yield* keeper.encode(next)
        const text = JSON.stringify(json)
        if (text !== stored) {
          yield* saveSnapshot(this.where.tableKind, this.where.id, text)
          stored = text
        }
      }
      // Applied once the turn committed: a rolled-back turn leaves state and stored copy as they were.
      return Effect.sync(() => {
        this.state = next
        this.stored = stored
      })
    })
  }

  answer(payload: string): Effect.Effect<string, never, R | Db | Schema.WithResult.Context<Ask>> {
    const { decodeAsk, behavior } = this.shared
    const handler = behavior.ask
    if (decodeAsk === undefined || handler === undefined) {
      return Effect.succeed(JSON.stringify(unsupported.make({ _tag: "Failure", reason: "no asks" })))
    }
    return decodeAsk(payload).pipe(
      Effect.flatMap((request) =>
        Effect.suspend(() => handler(this.state, request)).pipe(
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
}

export const erase = <Msg, MsgEncoded, State, Ask extends Schema.TaggedRequest.All, AskEncoded, R>(
  kind: Kind<Msg, MsgEncoded, State, Ask, AskEncoded, R>
): ErasedKind<R | Schema.WithResult.Context<Ask>> => {
  const { protocol, behavior } = kind
  const shared: Shared<Msg, State, Ask, R> = {
    name: protocol.name,
    decodeMessage: Schema.decodeUnknown(Schema.parseJson(protocol.message)),
    decodeAsk: protocol.ask === undefined ? undefined : Schema.decodeUnknown(Schema.parseJson(protocol.ask)),
    behavior
  }
  return {
    name: protocol.name,
    partitions: protocol.partitions,
    options: behavior.options ?? {},
    instantiate: (id, tableKind) => {
      const where = { tableKind, id }
      const keeper = behavior.state
      if (keeper !== undefined) {
        return Effect.gen(function* () {
          const json = yield* loadSnapshot(tableKind, id)
          const state = yield* keeper.restore(id, json)
          return new Live(shared, state, where, json === undefined ? undefined : JSON.stringify(json))
        })
      }
      const activate = behavior.activate
      if (activate === undefined) return Effect.dieMessage(`actor kind ${protocol.name} has neither state nor activate`)
      return Effect.map(activate(id), (state) => new Live(shared, state, where, undefined))
    }
  }
}
