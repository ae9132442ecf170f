import { Clock, Effect } from "effect"
import { Db, type DbShape } from "../../db/Db.ts"
import type { Names } from "../Address.ts"
import { partitionOf } from "../Address.ts"
import { encodeMessage, type TurnShape } from "../Turn.ts"
import { cancelTimer, type OutboxRow, upsertTimer } from "./store.ts"

export interface TurnScope {
  readonly kind: string
  readonly id: string
  readonly partition: number
  readonly seq: number
  readonly node: string
  readonly epoch: number
}

/**
 * The `Turn` service for one turn. Tells and events are collected here and written to the outbox
 * by the runtime in the same transaction; timers are written at once (they join the transaction).
 */
export const makeTurn = (names: Names, db: DbShape, scope: TurnScope) => {
  const rows: Array<OutboxRow> = []
  const base = { kind: names.tableKind(scope.kind), partition: scope.partition, epoch: scope.epoch }
  const service: TurnShape = {
    self: { kind: scope.kind, id: scope.id, partition: scope.partition },
    seq: scope.seq,
    node: scope.node,
    epoch: scope.epoch,
    tell: (target, id, message) =>
      Effect.map(encodeMessage(target, message), (payload) => {
        rows.push({
          ...base,
          subject: names.actorSubject(target.name, partitionOf(id, target.partitions), id),
          payload,
          headers: { "parley-from": `${scope.kind}/${scope.id}` },
          durable: 1
        })
      }),
    emit: (topic, payload) =>
      Effect.sync(() => {
        rows.push({ ...base, subject: names.event(...topic), payload: JSON.stringify(payload), durable: 0 })
      }),
    schedule: (target, id, key, message, at) =>
      Effect.flatMap(encodeMessage(target, message), (payload) =>
        upsertTimer({
          kind: names.tableKind(target.name),
          actorId: id,
          partition: partitionOf(id, target.partitions),
          key,
          payload,
          fireAt: at
        })
      ).pipe(Effect.asVoid, Effect.provideService(Db, db)),
    cancel: (kind, id, key) => cancelTimer(names.tableKind(kind), id, key).pipe(Effect.provideService(Db, db))
  }
  return { service, rows }
}

/** Milliseconds since the epoch from Effect's clock, so `TestClock` drives timers in tests. */
export const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))
