import { randomBytes } from "node:crypto"
import { assert } from "@effect/vitest"
import { eq } from "drizzle-orm"
import { Context, Effect, Layer } from "effect"
import { Db } from "../../db/Db.ts"
import { findCustomerByEmail } from "../../db/queries/customers.ts"
import { linkIdentity } from "../../db/queries/identities.ts"
import { appleIdentities } from "../../db/schema/customers.ts"
import type { CustomerOptions, Received, SimCustomer } from "../../sim/SimCustomer.ts"
import * as TestNode from "../support/TestNode.ts"
import { inNode, next, nodeOptions } from "./support.ts"

/**
 * One node shared by the tests of a file: starting a node (streams, leases, a fresh database,
 * migrations, seed) costs seconds, a conversation costs milliseconds. Each test uses customers of
 * its own, so tests do not see each other's conversations.
 */
export class E2eNode extends Context.Tag("test/conversation/E2eNode")<E2eNode, TestNode.TestNode>() {}

export const nodeLayer = (infra: "nats" | "embedded"): Layer.Layer<E2eNode, unknown> =>
  Layer.scoped(E2eNode, TestNode.start(nodeOptions(infra)))

/** A whole conversation per test: a busy 2-core host (other suites, NATS, PostgreSQL) can take well over a minute. */
export const perTest = 150_000

export const freshOpaqueId = (label: string): string => `urn:mbid:AQAAY-test-${label}-${randomBytes(6).toString("hex")}`

/** A new customer the node has never seen (a guest until they sign in). */
export const stranger = (node: TestNode.TestNode, label: string, options: CustomerOptions = {}): SimCustomer =>
  node.sim.customers.add({ id: freshOpaqueId(label), ...options })

/**
 * Another device of a demo customer: a fresh opaque id linked to them, so a test gets a
 * conversation of its own while the bot still knows whose cards and cases these are.
 */
export const deviceOf = (node: TestNode.TestNode, email: string, options: CustomerOptions = {}) =>
  inNode(
    node,
    Effect.gen(function* () {
      const customer = yield* findCustomerByEmail(email)
      assert.isDefined(customer, `no demo customer ${email}`)
      const device = node.sim.customers.add({ id: freshOpaqueId(email.split(".")[0] ?? "c"), ...options })
      yield* linkIdentity({ businessId: node.businessId, opaqueId: device.id, customer: customer!, method: "seed" })
      return { device, customer: customer! }
    })
  )

export const identityRow = (node: TestNode.TestNode, opaqueId: string) =>
  inNode(
    node,
    Effect.flatMap(Db, (db) =>
      db.use("test.identity", (d) => d.select().from(appleIdentities).where(eq(appleIdentities.opaqueId, opaqueId)))
    )
  )

/** `text`, `richLink`, or the interactive feature (`listPicker`, `quick-reply`, `dynamic`, `event`, `authenticate`). */
export const kindOf = (r: Received): string => {
  if (r.message.type !== "interactive") return r.message.type
  const data = r.interactive?.data ?? {}
  return ["listPicker", "quick-reply", "dynamic", "event", "authenticate"].find((k) => k in data) ?? "interactive"
}

/** The next `n` messages, checked against the kinds expected, in order. */
export const expectKinds = (customer: SimCustomer, kinds: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    const got: Array<Received> = []
    for (let i = 0; i < kinds.length; i++) got.push(yield* next(customer))
    assert.deepStrictEqual(got.map(kindOf), [...kinds])
    return got
  })

export const bodyOf = (r: Received): string => (r.message.type === "text" ? r.message.body : "")
