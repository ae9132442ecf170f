import { assert, layer } from "@effect/vitest"
import { and, eq } from "drizzle-orm"
import { Effect, Schema } from "effect"
import { Db } from "../../db/Db.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { actorSnapshots } from "../../db/schema/runtime.ts"
import * as Actor from "../../runtime/Actor.ts"
import { names } from "../../runtime/Address.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import { makeTurn } from "../../runtime/internal/turnContext.ts"
import { Turn } from "../../runtime/Turn.ts"
import { uniquePrefix } from "../support/TestEnv.ts"

/**
 * State the runtime keeps (`Behavior.state`, runtime/Actor.ts): loaded on activation, saved in
 * the turn's transaction when what is kept changed, and neither saved nor remembered as saved
 * when the turn rolls back. The kind below writes no snapshot code; the turn is run the way a
 * partition runs it (runtime/internal/actorCell.ts): prepared, then inside a transaction, then
 * applied after the commit.
 */

const SetTo = Schema.TaggedStruct("SetTo", { value: Schema.Number })
const Touch = Schema.TaggedStruct("Touch", {})
const Message = Schema.Union(SetTo, Touch)

class Read extends Schema.TaggedRequest<Read>()("Read", {
  failure: Schema.Never,
  success: Schema.Struct({ value: Schema.Number, touched: Schema.Number }),
  payload: {}
}) {}

const Kept = Schema.Struct({ value: Schema.Number })

/** `touched` counts turns in memory only: it is not kept, so changing it writes nothing. */
interface State {
  readonly id: string
  readonly value: number
  readonly touched: number
}

const prefix = uniquePrefix("stored")
const protocol = Actor.protocol({ name: "keeper", partitions: 1, message: Message, ask: Read })
const kind = erase(
  Actor.make(protocol, {
    state: Actor.stored({
      schema: Kept,
      initial: { value: 0 },
      keep: (state: State) => ({ value: state.value }),
      restore: (id, kept) => Effect.succeed<State>({ id, value: kept.value, touched: 0 })
    }),
    turn: (state, message) =>
      Effect.succeed(
        message._tag === "SetTo"
          ? { ...state, value: message.value, touched: state.touched + 1 }
          : { ...state, touched: state.touched + 1 }
      ),
    ask: (state) => Effect.succeed({ value: state.value, touched: state.touched })
  })
)
const tableKind = names(prefix).tableKind(protocol.name)

const stored = (id: string) =>
  Effect.flatMap(Db, (db) =>
    db.use("test.snapshot", (d) =>
      d
        .select({ state: actorSnapshots.state, updatedAt: actorSnapshots.updatedAt })
        .from(actorSnapshots)
        .where(and(eq(actorSnapshots.kind, tableKind), eq(actorSnapshots.actorId, id)))
    )
  ).pipe(Effect.map((rows) => rows[0]))

const instance = (id: string) => kind.instantiate(id, tableKind)

/** One turn as a partition runs it; `rollBack` fails its transaction after the turn ran. */
const runTurn = (
  live: Effect.Effect.Success<ReturnType<typeof instance>>,
  id: string,
  message: typeof Message.Type,
  rollBack = false
) =>
  Effect.gen(function* () {
    const db = yield* Db
    const prepared = yield* live.prepare(JSON.stringify(message), Effect.succeed(false))
    if (prepared === "committed") return assert.fail("nothing was committed yet")
    const turn = makeTurn(names(prefix), db, { kind: protocol.name, id, partition: 0, seq: 1, node: "n", epoch: 1 })
    const body = Effect.provideService(prepared, Turn, turn.service)
    const apply = yield* db.transaction(rollBack ? Effect.zipRight(body, Effect.fail("rolled back")) : body)
    yield* apply
  })

const read = (live: Effect.Effect.Success<ReturnType<typeof instance>>) =>
  Effect.map(live.answer(JSON.stringify(Read.make({}))), (json) => JSON.parse(json) as unknown)

layer(PgliteDb.layerMemory, { timeout: 60_000 })("state kept by the runtime", (it) => {
  it.effect("a new actor starts from the initial state, and a changed state is saved with its turn", () =>
    Effect.gen(function* () {
      const live = yield* instance("a")
      assert.deepStrictEqual(yield* read(live), { _tag: "Success", value: { value: 0, touched: 0 } })
      assert.isUndefined(yield* stored("a"))
      yield* runTurn(live, "a", SetTo.make({ value: 7 }))
      assert.deepStrictEqual((yield* stored("a"))?.state, { value: 7 })
      // Activated again (after passivation or on another node): the kept part comes back.
      const again = yield* instance("a")
      assert.deepStrictEqual(yield* read(again), { _tag: "Success", value: { value: 7, touched: 0 } })
    })
  )

  it.effect("a turn that leaves the kept part as it was writes nothing", () =>
    Effect.gen(function* () {
      const live = yield* instance("b")
      yield* runTurn(live, "b", SetTo.make({ value: 1 }))
      const before = yield* stored("b")
      yield* runTurn(live, "b", Touch.make({}))
      yield* runTurn(live, "b", SetTo.make({ value: 1 }))
      assert.deepStrictEqual(yield* read(live), { _tag: "Success", value: { value: 1, touched: 3 } })
      const after = yield* stored("b")
      assert.deepStrictEqual(after?.state, { value: 1 })
      assert.strictEqual(after?.updatedAt.getTime(), before?.updatedAt.getTime())
    })
  )

  it.effect(
    "a rolled-back turn changes neither the stored nor the live state, and the same change later is saved",
    () =>
      Effect.gen(function* () {
        const live = yield* instance("c")
        yield* runTurn(live, "c", SetTo.make({ value: 1 }))
        const failed = yield* Effect.either(runTurn(live, "c", SetTo.make({ value: 2 }), true))
        assert.strictEqual(failed._tag, "Left")
        assert.deepStrictEqual((yield* stored("c"))?.state, { value: 1 })
        assert.deepStrictEqual(yield* read(live), { _tag: "Success", value: { value: 1, touched: 1 } })
        // Had the failed turn counted { value: 2 } as stored, this one would skip its write.
        yield* runTurn(live, "c", SetTo.make({ value: 2 }))
        assert.deepStrictEqual((yield* stored("c"))?.state, { value: 2 })
      })
  )
})
