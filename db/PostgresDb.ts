import { drizzle } from "drizzle-orm/postgres-js"
import { Effect, Layer, Redacted } from "effect"
import postgres from "postgres"
import { Db, make } from "./Db.ts"
import { DbError } from "./DbError.ts"
import { migrateUrl } from "./migrate.ts"
import * as schema from "./schema/index.ts"

/** `host:port/database` of a URL, without user or password, for logs. */
export const describeUrl = (url: string): string => {
  const u = new URL(url)
  return `postgres://${u.host}${u.pathname}`
}

/**
 * A node frozen mid-turn (SIGSTOP, a stalled VM, a network partition) keeps its transaction open
 * and with it the share lock on its partition's fence row, so the node taking the partition over
 * would wait in `claimFence` for as long as the freeze lasts (over a partition, until TCP
 * keepalive gives up: hours). The server ends such a session after this long. Not shorter: when
 * PostgreSQL itself stalls, every open transaction looks idle to it on resume, and a session the
 * server ends can crash postgres.js (a write scheduled on a socket already gone: porsager/postgres
 * #1154, fix unmerged), so a brief database stall must not end sessions.
 */
const idleInTransactionMillis = 30_000

/**
 * PostgreSQL through postgres.js: migrations first on their own connection, then a fixed pool,
 * ended on scope close.
 */
export const layer = (url: Redacted.Redacted<string>, poolSize = 10): Layer.Layer<Db, DbError> =>
  Layer.scoped(
    Db,
    Effect.gen(function* () {
      const raw = Redacted.value(url)
      yield* Effect.tryPromise({ try: () => migrateUrl(raw), catch: (e) => DbError.fromUnknown("migrate", e) })
      const client = yield* Effect.acquireRelease(
        Effect.sync(() =>
          postgres(raw, {
            max: poolSize,
            onnotice: () => {},
            connection: { application_name: "parley", idle_in_transaction_session_timeout: idleInTransactionMillis }
          })
        ),
        (sql) => Effect.promise(() => sql.end({ timeout: 5 }))
      )
      const db = make(drizzle(client, { schema, casing: "snake_case" }), "postgres", describeUrl(raw))
      yield* db.ping
      // The whole pool opened now, not on the first turns: postgres.js connects on demand, and a
      // node that joins a cluster gets partitions the moment it is ready, whose first turns each
      // waited for a connection of their own (connect, authenticate, set up) while customers
      // waited for their replies (bench/cluster.ts's join).
      yield* Effect.forEach(Array.from({ length: poolSize }), () => db.ping, {
        concurrency: "unbounded",
        discard: true
      }).pipe(Effect.ignore)
      return db
    })
  )
