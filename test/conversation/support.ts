import { assert } from "@effect/vitest"
import { asc, eq } from "drizzle-orm"
import { Effect, Schedule } from "effect"
import type { InteractiveData } from "../../apple/Interactive.ts"
import { Db } from "../../db/Db.ts"
import { interactions, messages } from "../../db/schema/interactions.ts"
import type { Received, SimCustomer } from "../../sim/SimCustomer.ts"
import type * as TestNode from "../support/TestNode.ts"
import type { TestNode as Node } from "../support/TestNode.ts"

/** The next message the customer receives, failing the test if none comes within 30 s (a fresh node may still be taking its partitions). */
export const next = (customer: SimCustomer) =>
  customer.next().pipe(Effect.timeoutFail({ duration: "30 seconds", onTimeout: () => new Error("no message arrived") }))

export const textOf = (r: Received): string => {
  assert.strictEqual(r.message.type, "text", `expected text, got ${r.message.type}`)
  return r.message.type === "text" ? r.message.body : ""
}

export const nextText = (customer: SimCustomer) => Effect.map(next(customer), textOf)

export const interactiveOf = (r: Received): InteractiveData => {
  assert.strictEqual(r.message.type, "interactive", `expected interactive, got ${r.message.type}`)
  assert.isDefined(r.interactive)
  return r.interactive as InteractiveData
}

export const listItems = (r: Received) => (interactiveOf(r).data?.listPicker?.sections ?? []).flatMap((s) => s.items)

export const quickItems = (r: Received) => interactiveOf(r).data?.["quick-reply"]?.items ?? []

/** Every message the bot sends carries `auto-reply`. */
export const assertBot = (r: Received) => assert.strictEqual(r.autoReply, true)

export const inNode = <A, E>(node: Node, effect: Effect.Effect<A, E, Db>) => Effect.provide(effect, node.context)

export const interactionsOf = (node: Node, opaqueId: string) =>
  inNode(
    node,
    Effect.flatMap(Db, (db) =>
      db.use("test.interactions", (d) =>
        d.select().from(interactions).where(eq(interactions.opaqueId, opaqueId)).orderBy(asc(interactions.openedAt))
      )
    )
  )

export const transcriptOf = (node: Node, interactionId: string) =>
  inNode(
    node,
    Effect.flatMap(Db, (db) =>
      db.use("test.transcript", (d) =>
        d.select().from(messages).where(eq(messages.interactionId, interactionId)).orderBy(asc(messages.id))
      )
    )
  )

/** Waits until `check` holds (the actor commits after the customer's webhook is answered). */
export const eventually = <A, E, R>(effect: Effect.Effect<A, E, R>, check: (a: A) => boolean) =>
  effect.pipe(
    Effect.filterOrFail(check, () => new Error("condition not met")),
    Effect.retry(Schedule.spaced("100 millis").pipe(Schedule.intersect(Schedule.recurs(50)))),
    Effect.catchAll(() => effect)
  )

export const allCapabilities = ["QUICK", "LIST", "TIME", "AUTH2", "FORM"] as const

/**
 * Node settings for these tests: small stream reservations (the shared NATS server's JetStream
 * storage is finite and every run creates its own streams), and leases that ride out PGlite's
 * start-up stalls in the embedded node.
 */
export const nodeOptions = (infra: "nats" | "embedded"): TestNode.TestNodeOptions => ({
  infra,
  runtime: {
    streamMaxBytes: 8 * 1024 * 1024,
    ...(infra === "embedded"
      ? {
          leaseTtl: "20 seconds",
          lease: { renewEvery: 2_000, suspectAfter: 15_000, retryAcquireEvery: 200, hungAfter: 15_000 }
        }
      : {})
  }
})
