import { assert, describe, it } from "@effect/vitest"
import { and, eq } from "drizzle-orm"
import { Cause, Effect, Exit, Layer, Option, Schema } from "effect"
import { Db } from "../../db/Db.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { deadLetters } from "../../db/schema/runtime.ts"
import * as Actor from "../../runtime/Actor.ts"
import { ActorSystem, type SystemSettings, layer as systemLayer } from "../../runtime/ActorSystem.ts"
import { CallOutInTransaction, callOut, transactionalPart } from "../../runtime/CallOut.ts"
import { erase } from "../../runtime/ErasedKind.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"
import { uniquePrefix } from "../support/TestEnv.ts"
import { eventually, fastSettings } from "./ActorRuntimeSuite.ts"

/**
 * No HTTP inside a transactional turn (runtime/CallOut.ts): a turn of a transactional kind that
 * calls out dies before the call is made and never commits; the same call in the kind's `prepare`
 * step, or in a turn of a kind that is not transactional, is made.
 */

/** The call-outs made (by name), across every kind of this file. */
const made: Array<string> = []

const remote = (name: string) =>
  callOut(
    name,
    Effect.sync(() => made.push(name))
  )

const Record = Schema.TaggedStruct("Record", { n: Schema.Number })
const CallInTurn = Schema.TaggedStruct("CallInTurn", { n: Schema.Number })
/** `fetched` is filled by `prepare` with what the call returned. */
const CallInPrepare = Schema.TaggedStruct("CallInPrepare", {
  n: Schema.Number,
  fetched: Schema.optional(Schema.Number)
})
const Slow = Schema.TaggedStruct("Slow", { millis: Schema.Number })
const Message = Schema.Union(Record, CallInTurn, CallInPrepare, Slow)

class Values extends Schema.TaggedRequest<Values>()("Values", {
  failure: Schema.Never,
  success: Schema.Array(Schema.Number),
  payload: {}
}) {}

const Kept = Schema.Struct({ values: Schema.Array(Schema.Number) })
type Kept = typeof Kept.Type

/** Slow turns running now: the group-commit test waits for its blocker's. */
const slow = { now: 0 }

const caller = (name: string, options: Partial<Actor.Options>) => {
  const protocol = Actor.protocol({ name, partitions: 1, message: Message, ask: Values })
  const kind = Actor.make(protocol, {
    state: Actor.stored({
      schema: Kept,
      initial: { values: [] },
      keep: (state: Kept) => state,
      restore: (_id, kept) => Effect.succeed(kept)
    }),
    prepare: (message) =>
      message._tag === "CallInPrepare"
        ? Effect.map(remote(`${name}: prepare ${message.n}`), () => ({ ...message, fetched: message.n }))
        : undefined,
    turn: (state, message) =>
      Effect.gen(function* () {
        switch (message._tag) {
          case "Record":
            return { values: [...state.values, message.n] }
          case "CallInTurn":
            yield* remote(`${name}: turn ${message.n}`)
            return { values: [...state.values, message.n] }
          case "CallInPrepare":
            return message.fetched === undefined ? state : { values: [...state.values, message.fetched] }
          case "Slow":
            slow.now++
            yield* Effect.sleep(message.millis).pipe(Effect.ensuring(Effect.sync(() => slow.now--)))
            return state
        }
      }),
    ask: (state) => Effect.succeed(state.values),
    options: { retryBase: "20 millis", retryCap: "100 millis", maxAttempts: 3, idleTimeout: "10 minutes", ...options }
  })
  return { protocol, erased: erase(kind) }
}

const setup = (options: Partial<Actor.Options>, settings: Partial<SystemSettings> = {}) => {
  const prefix = uniquePrefix("callout")
  const kind = caller(`k${prefix}`, options)
  const infra = Layer.mergeAll(
    MemoryBus.layer,
    PgliteDb.layerMemory,
    RuntimeConfig.layer({ subjectPrefix: prefix, nodeId: "node-a" })
  )
  // A long ack wait: a message held behind a slow turn is not redelivered meanwhile.
  const system = systemLayer([kind.erased], { ...fastSettings, ackWait: "30 seconds", ...settings })
  return { kind, tableKind: `${prefix}/${kind.protocol.name}`, layer: system.pipe(Layer.provideMerge(infra)) }
}

const values = (kind: ReturnType<typeof caller>, id: string) =>
  Effect.flatMap(ActorSystem, (system) => system.ask(kind.protocol, id, new Values()))

const deadLettered = (tableKind: string, id: string) =>
  Effect.flatMap(Db, (db) =>
    db.use("test.dlq", (d) =>
      d
        .select()
        .from(deadLetters)
        .where(and(eq(deadLetters.kind, tableKind), eq(deadLetters.actorId, id)))
    )
  )

describe("no call-out inside a transactional turn", () => {
  it.effect("callOut runs its call outside a transactional turn and dies, without making it, inside one", () =>
    Effect.gen(function* () {
      const before = made.length
      yield* remote("outside")
      assert.deepStrictEqual(made.slice(before), ["outside"])
      const inside = yield* Effect.exit(transactionalPart(remote("inside")))
      assert.isTrue(Exit.isFailure(inside))
      const defect = Exit.isFailure(inside) ? Cause.dieOption(inside.cause) : Option.none()
      assert.isTrue(Option.isSome(defect) && defect.value instanceof CallOutInTransaction)
      assert.strictEqual(Option.isSome(defect) && (defect.value as CallOutInTransaction).what, "inside")
      assert.deepStrictEqual(made.slice(before), ["outside"])
      // Only the part marked: what follows it may call out again.
      yield* remote("after")
      assert.deepStrictEqual(made.slice(before), ["outside", "after"])
    })
  )

  it.live(
    "a transactional turn that calls out is never committed: retried, then dead-lettered naming the call",
    () => {
      const { kind, tableKind, layer } = setup({})
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        yield* system.tell(kind.protocol, "a", Record.make({ n: 1 }))
        yield* system.tell(kind.protocol, "a", CallInTurn.make({ n: 2 }))
        yield* system.tell(kind.protocol, "a", Record.make({ n: 3 }))
        const rows = yield* eventually(deadLettered(tableKind, "a"), (r) => r.length === 1, "the dead letter")
        assert.strictEqual(rows[0]?.attempts, 3)
        assert.include(rows[0]?.cause ?? "", "CallOutInTransaction")
        assert.include(rows[0]?.cause ?? "", `call-out "${kind.protocol.name}: turn 2" inside a transactional turn`)
        // The actor goes on without the turn, and the call was never made.
        assert.deepStrictEqual(yield* eventually(values(kind, "a"), (v) => v.length === 2, "values"), [1, 3])
        assert.notInclude(made, `${kind.protocol.name}: turn 2`)
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    120_000
  )

  it.live(
    "the same call in the kind's prepare step is made, and its turn commits what it fetched",
    () => {
      const { kind, tableKind, layer } = setup({})
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        yield* system.tell(kind.protocol, "b", CallInPrepare.make({ n: 4 }))
        yield* system.tell(kind.protocol, "b", Record.make({ n: 5 }))
        assert.deepStrictEqual(yield* eventually(values(kind, "b"), (v) => v.length === 2, "values"), [4, 5])
        assert.include(made, `${kind.protocol.name}: prepare 4`)
        assert.deepStrictEqual(yield* deadLettered(tableKind, "b"), [])
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    120_000
  )

  it.live(
    "a turn of a kind that is not transactional may call out",
    () => {
      const { kind, tableKind, layer } = setup({ transactional: false })
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        yield* system.tell(kind.protocol, "c", CallInTurn.make({ n: 6 }))
        yield* system.tell(kind.protocol, "c", Record.make({ n: 7 }))
        assert.deepStrictEqual(yield* eventually(values(kind, "c"), (v) => v.length === 2, "values"), [6, 7])
        assert.include(made, `${kind.protocol.name}: turn 6`)
        assert.deepStrictEqual(yield* deadLettered(tableKind, "c"), [])
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    120_000
  )

  it.live(
    "a turn that calls out within a group commit is dead-lettered alone; the others commit",
    () => {
      // One worker and a slow first turn: what is told meanwhile is taken at once, as one group
      // (test/runtime/GroupCommit.test.ts).
      const { kind, tableKind, layer } = setup({}, { turnConcurrency: 1 })
      return Effect.gen(function* () {
        const system = yield* ActorSystem
        slow.now = 0
        yield* system.tell(kind.protocol, "blocker", Slow.make({ millis: 2_000 }))
        yield* eventually(
          Effect.sync(() => slow.now),
          (n) => n === 1,
          "the blocker's turn to run"
        )
        yield* system.tell(kind.protocol, "d", Record.make({ n: 8 }))
        yield* system.tell(kind.protocol, "e", CallInTurn.make({ n: 9 }))
        yield* system.tell(kind.protocol, "f", Record.make({ n: 10 }))
        const rows = yield* eventually(deadLettered(tableKind, "e"), (r) => r.length === 1, "the dead letter")
        assert.include(rows[0]?.cause ?? "", `call-out "${kind.protocol.name}: turn 9" inside a transactional turn`)
        assert.deepStrictEqual(yield* values(kind, "d"), [8])
        assert.deepStrictEqual(yield* values(kind, "f"), [10])
        assert.deepStrictEqual(yield* values(kind, "e"), [])
        assert.notInclude(made, `${kind.protocol.name}: turn 9`)
      }).pipe(Effect.provide(layer), Effect.scoped)
    },
    120_000
  )
})
