import { randomBytes } from "node:crypto"
import { assert, layer } from "@effect/vitest"
import { verify } from "@node-rs/argon2"
import { eq } from "drizzle-orm"
import { Effect, Layer, Redacted } from "effect"
import postgres from "postgres"
import { Db } from "../../db/Db.ts"
import type { DbError } from "../../db/DbError.ts"
import * as PgliteDb from "../../db/PgliteDb.ts"
import * as PostgresDb from "../../db/PostgresDb.ts"
import { assetsOf } from "../../db/queries/assets.ts"
import { listCatalogItems } from "../../db/queries/catalog.ts"
import { findCustomer, findCustomerByEmail } from "../../db/queries/customers.ts"
import { findIdentity } from "../../db/queries/identities.ts"
import { searchKnowledge } from "../../db/queries/knowledge.ts"
import { findQueueByName, skillsOf } from "../../db/queries/queues.ts"
import { findUserByLogin } from "../../db/queries/users.ts"
import { users } from "../../db/schema/users.ts"
import { demoBusinessId } from "../../db/seed/customers.ts"
import { seedIfEmpty } from "../../db/seed/seed.ts"
import { demoPasswordDefault } from "../../db/seed/staff.ts"
import { databaseUrl } from "../support/TestEnv.ts"

/** Seeding needs a database of its own: demo queue names and logins would collide with other suites' data. */
const isolatedPostgres: Layer.Layer<Db, DbError> = Layer.unwrapScoped(
  Effect.gen(function* () {
    const url = new URL(databaseUrl())
    const name = `parley_seed_${randomBytes(5).toString("hex")}`
    yield* Effect.acquireRelease(
      Effect.promise(async () => {
        const admin = postgres(url.toString(), { max: 1, onnotice: () => {} })
        await admin.unsafe(`create database ${name}`)
        return admin
      }),
      (admin) =>
        Effect.promise(async () => {
          await admin.unsafe(`drop database if exists ${name} with (force)`)
          await admin.end()
        })
    )
    url.pathname = `/${name}`
    return PostgresDb.layer(Redacted.make(url.toString()), 2)
  })
)

const layers: ReadonlyArray<readonly [string, Layer.Layer<Db, DbError>]> = [
  ["pglite", PgliteDb.layerMemory],
  ["postgres", isolatedPostgres]
]

for (const [name, dbLayer] of layers) {
  layer(dbLayer, { timeout: 120_000 })(`demo data (${name})`, (it) => {
    it.effect("is idempotent: a second run adds nothing", () =>
      Effect.gen(function* () {
        yield* seedIfEmpty()
        const again = yield* seedIfEmpty()
        assert.deepStrictEqual(again, {})
        const jane = yield* findCustomerByEmail("jane.doe@example.com")
        assert.isDefined(jane)
        if (jane !== undefined) assert.lengthOf(yield* assetsOf(jane), 3)
      })
    )

    it.effect("never re-creates a demo user an operator deleted", () =>
      Effect.gen(function* () {
        yield* seedIfEmpty()
        const leo = yield* findUserByLogin("leo.agent")
        assert.isDefined(leo)
        yield* Effect.flatMap(Db, (db) =>
          db.use("test.deleteUser", (d) => d.delete(users).where(eq(users.id, leo?.id ?? "")))
        )
        const again = yield* seedIfEmpty()
        assert.isUndefined(again.users)
        assert.isUndefined(yield* findUserByLogin("leo.agent"))
      })
    )

    it.effect("knows Jane Doe by her opaque id, with two credit cards and a debit card", () =>
      Effect.gen(function* () {
        yield* seedIfEmpty()
        const identity = yield* findIdentity(demoBusinessId, "urn:mbid:AQAAY-demo-jane")
        assert.strictEqual(identity?.customer.kind, "contact")
        assert.strictEqual(identity?.identity.linkedBy, "seed")
        if (identity === undefined) return
        const profile = yield* findCustomer(identity.customer)
        assert.strictEqual(`${profile?.firstName} ${profile?.lastName}`, "Jane Doe")
        assert.strictEqual(profile?.email, "jane.doe@example.com")
        assert.isNotNull(profile?.phone)
        assert.isNotNull(profile?.address)
        assert.isNotNull(profile?.account)
        const cards = yield* assetsOf(identity.customer)
        assert.deepStrictEqual(cards.map((c) => c.type).sort(), ["credit", "credit", "debit"])
        assert.isTrue(cards.every((c) => /^•••• \d{4}$/.test(c.maskedNumber) && c.status === "active"))
      })
    )

    it.effect("has a customer without an Apple identity who is found by e-mail", () =>
      Effect.gen(function* () {
        yield* seedIfEmpty()
        const tom = yield* findCustomerByEmail("Tom.Becker@example.com")
        assert.isDefined(tom)
        if (tom !== undefined) assert.lengthOf(yield* assetsOf(tom), 1)
        assert.isUndefined(yield* findIdentity(demoBusinessId, "urn:mbid:AQAAY-demo-tom"))
      })
    )

    it.effect("creates agents, a manager, a mortgage specialist and portal users with the demo password", () =>
      Effect.gen(function* () {
        yield* seedIfEmpty()
        const manager = yield* findUserByLogin("sam.manager")
        assert.include([...(manager?.roles ?? [])], "sn_customerservice_manager")
        const specialist = yield* findUserByLogin("mia.mortgage")
        assert.include(
          (yield* skillsOf(specialist?.id ?? "")).map((s) => s.name),
          "mortgage"
        )
        const portal = yield* findUserByLogin("jane.doe")
        assert.deepStrictEqual(portal?.roles, ["sn_customerservice.customer"])
        assert.isNotNull(portal?.contactId)
        assert.deepStrictEqual((yield* findUserByLogin("raj.patel"))?.roles, ["sn_customerservice.consumer"])
        const hash = (yield* findUserByLogin("ava.agent"))?.passwordHash ?? ""
        assert.match(hash, /^\$argon2id\$/)
        assert.isTrue(yield* Effect.promise(() => verify(hash, demoPasswordDefault)))
        for (const queue of ["apple_default", "cards", "mortgage_specialists"]) {
          assert.isDefined(yield* findQueueByName(queue), queue)
        }
        assert.isAtLeast((yield* listCatalogItems()).length, 6)
      })
    )

    it.effect("ranks a refinancing article first for 'home refinance options'", () =>
      Effect.gen(function* () {
        yield* seedIfEmpty()
        const hits = yield* searchKnowledge("home refinance options", 5)
        assert.lengthOf(hits, 5)
        assert.strictEqual(hits[0]?.kind, "article")
        assert.strictEqual(hits[0]?.ref, "KB0010001")
        assert.match(hits[0]?.title ?? "", /refinanc/i)
        assert.isTrue(hits.some((h) => h.kind === "post"))
        assert.isTrue(hits.every((h, i) => h.snippet.length > 0 && (i === 0 || h.rank <= (hits[0]?.rank ?? 0))))
      })
    )

    it.effect("finds card articles and posts, honours the limit, and returns nothing for an empty query", () =>
      Effect.gen(function* () {
        yield* seedIfEmpty()
        const lost = yield* searchKnowledge("my card was stolen", 3)
        assert.strictEqual(lost[0]?.ref, "KB0010009")
        assert.lengthOf(lost, 3)
        const travel = yield* searchKnowledge("travel notice abroad", 10)
        assert.includeMembers(
          travel.map((h) => h.ref),
          ["KB0010014", "do-i-need-a-travel-notice"]
        )
        assert.deepStrictEqual(yield* searchKnowledge("   ", 5), [])
        assert.deepStrictEqual(yield* searchKnowledge("the and of", 5), [])
        const dispute = yield* searchKnowledge('dispute -chargeback "charged twice"', 5)
        assert.isTrue(dispute.length > 0)
      })
    )
  })
}
