import { Effect } from "effect"
import type { BusShape } from "../Bus.ts"
import type { SentRow } from "./store.ts"

const encoder = new TextEncoder()

/**
 * Publishes committed outbox rows in order — durable ones with the row's id as de-dup id, so a
 * relay repeated after a crash stores nothing twice — then hands their ids to `markSent` (the
 * kind's batched marker, runtime/internal/sweeps.ts). Stops at the first failure to keep order;
 * the partition's sweeper picks up what is left.
 */
export const relay = (
  bus: BusShape,
  rows: ReadonlyArray<SentRow>,
  markSent: (msgIds: ReadonlyArray<string>) => Effect.Effect<void>
) =>
  Effect.gen(function* () {
    const sent: Array<string> = []
    for (const row of rows) {
      const data = encoder.encode(row.payload)
      const result = yield* Effect.either(
        row.durable === 1
          ? bus.publishDurable(row.subject, data, { msgId: row.msgId, headers: row.headers })
          : bus.publish(row.subject, data, row.headers)
      )
      if (result._tag === "Left") {
        yield* Effect.logWarning("outbox relay stopped; the sweeper will retry", result.left)
        break
      }
      sent.push(row.msgId)
    }
    yield* markSent(sent)
  })
