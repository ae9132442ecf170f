import { assert } from "@effect/vitest"
import { Kvm } from "@nats-io/kv"
import { connect } from "@nats-io/transport-node"
import { eq } from "drizzle-orm"
import { drizzle } from "drizzle-orm/postgres-js"
import { Data, Effect, type Scope } from "effect"
import { probes } from "../../db/schema/probe.ts"
import { isolatedSchema, type PgSchemaError } from "../support/PgSchema.ts"
import { databaseUrl, natsUrl, uniquePrefix } from "../support/TestEnv.ts"

/** A client call (NATS or PostgreSQL) made by a harness test failed. */
export class CallError extends Data.TaggedError("CallError")<{
  readonly operation: string
  readonly message: string
  readonly cause: unknown
}> {}

export const call = <A>(operation: string, f: () => Promise<A>): Effect.Effect<A, CallError> =>
  Effect.tryPromise({
    try: f,
    catch: (cause) =>
      new CallError({
        operation,
        message: `${operation}: ${cause instanceof Error ? cause.message : String(cause)}`,
        cause
      })
  })

/**
 * What each isolation test file does with its own `value`: the same KV key and the same row key
 * as the other file, in a bucket and a schema of its own, then it must read back only its value.
 * Both are deleted on scope close, so running the suite again starts from nothing.
 */
export const writeSharedKeyAndReadBack = (
  label: string,
  value: number
): Effect.Effect<void, CallError | PgSchemaError, Scope.Scope> =>
  Effect.gen(function* () {
    const nc = yield* Effect.acquireRelease(
      call("connect", () => connect({ servers: natsUrl(), name: label })),
      (c) => Effect.promise(() => c.close())
    )
    const kvm = new Kvm(nc)
    const bucket = uniquePrefix(label)
    const kv = yield* Effect.acquireRelease(
      call("kv create", () => kvm.create(bucket, { history: 5 })),
      (b) => Effect.promise(() => b.destroy().then(() => undefined))
    )
    yield* call("kv put", () => kv.put("shared", String(value)))
    const entry = yield* call("kv get", () => kv.get("shared"))
    assert.strictEqual(entry?.string(), String(value))
    // One revision: nobody else wrote this key while we did.
    assert.strictEqual(entry?.revision, 1)

    const { sql } = yield* isolatedSchema(databaseUrl(), ["probes"], label)
    const db = drizzle(sql, { casing: "snake_case" })
    yield* call("insert", () => db.insert(probes).values({ key: "shared", value }))
    const rows = yield* call("select", () => db.select().from(probes).where(eq(probes.key, "shared")))
    assert.deepStrictEqual(
      rows.map((r) => r.value),
      [value]
    )
  })
