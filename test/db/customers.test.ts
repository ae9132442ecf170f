import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { assetsOf, createAsset, findAssetOf, setAssetStatus } from "../../db/queries/assets.ts"
import { findCustomer, findCustomerByEmail, updateCustomerDetails } from "../../db/queries/customers.ts"
import { findIdentity, identitiesOf, linkIdentity, unlinkIdentity } from "../../db/queries/identities.ts"
import {
  createUser,
  findUser,
  findUserByApiToken,
  findUserByEmail,
  findUserByLogin,
  grantRole,
  revokeRole,
  setApiToken,
  setUserActive,
  usersWithRole
} from "../../db/queries/users.ts"
import { dbLayers, newConsumer, newContact, unique } from "./support.ts"

for (const [name, dbLayer] of dbLayers()) {
  layer(dbLayer, { timeout: 60_000 })(`customers, identities, assets, users (${name})`, (it) => {
    it.effect("finds a contact's profile with its account, and a customer by e-mail in any case", () =>
      Effect.gen(function* () {
        const jane = yield* newContact({ phone: "+1 415 555 0100", address: "1 Main St" })
        const profile = yield* findCustomer(jane)
        assert.isDefined(profile)
        assert.strictEqual(profile?.phone, "+1 415 555 0100")
        assert.isNotNull(profile?.account)
        const byEmail = yield* findCustomerByEmail(` ${profile?.email.toUpperCase()} `)
        assert.deepStrictEqual(byEmail, jane)
        assert.isUndefined(yield* findCustomerByEmail(`${unique("nobody")}@example.test`))
        yield* updateCustomerDetails(jane, { address: "2 Side St" })
        assert.strictEqual((yield* findCustomer(jane))?.address, "2 Side St")
      })
    )

    it.effect("links an opaque id, finds it per business, re-links and unlinks", () =>
      Effect.gen(function* () {
        const contact = yield* newContact()
        const consumer = yield* newConsumer()
        const opaqueId = `urn:mbid:${unique("link")}`
        assert.isUndefined(yield* findIdentity("biz-a", opaqueId))
        yield* linkIdentity({ businessId: "biz-a", opaqueId, customer: contact, method: "authentication" })
        const found = yield* findIdentity("biz-a", opaqueId)
        assert.deepStrictEqual(found?.customer, contact)
        assert.strictEqual(found?.identity.linkedBy, "authentication")
        // The same opaque id under another business is another customer's identity.
        assert.isUndefined(yield* findIdentity("biz-b", opaqueId))
        yield* linkIdentity({ businessId: "biz-a", opaqueId, customer: consumer, method: "agent" })
        assert.deepStrictEqual((yield* findIdentity("biz-a", opaqueId))?.customer, consumer)
        assert.lengthOf(yield* identitiesOf(contact), 0)
        assert.lengthOf(yield* identitiesOf(consumer), 1)
        assert.isTrue(yield* unlinkIdentity("biz-a", opaqueId))
        assert.isUndefined(yield* findIdentity("biz-a", opaqueId))
      })
    )

    it.effect("lists a customer's replaceable cards, and only to their owner", () =>
      Effect.gen(function* () {
        const owner = yield* newContact()
        const other = yield* newConsumer()
        const gold = yield* createAsset({ type: "credit", productName: "Gold", maskedNumber: "•••• 4821", owner })
        yield* createAsset({ type: "debit", productName: "Everyday", maskedNumber: "•••• 1234", owner })
        yield* createAsset({ type: "credit", productName: "Old", maskedNumber: "•••• 0000", owner, status: "replaced" })
        const cards = yield* assetsOf(owner)
        assert.deepStrictEqual(
          cards.map((c) => c.maskedNumber),
          ["•••• 4821", "•••• 1234"]
        )
        assert.lengthOf(yield* assetsOf(owner, ["active", "blocked", "replaced"]), 3)
        assert.isUndefined(yield* findAssetOf(other, gold.id))
        yield* setAssetStatus(gold.id, "blocked")
        assert.strictEqual((yield* findAssetOf(owner, gold.id))?.status, "blocked")
      })
    )

    it.effect("creates users with roles and finds them by login, e-mail and API token", () =>
      Effect.gen(function* () {
        const customer = yield* newConsumer()
        const login = unique("user")
        const user = yield* createUser({
          login,
          email: `${login}@Example.test`,
          displayName: "Una User",
          passwordHash: "$argon2id$stub",
          roles: ["sn_customerservice.consumer"],
          customer
        })
        assert.strictEqual(user.consumerId, customer.id)
        assert.deepStrictEqual((yield* findUserByLogin(login))?.roles, ["sn_customerservice.consumer"])
        assert.strictEqual((yield* findUserByEmail(`${login}@example.TEST`))?.id, user.id)
        yield* grantRole(user.id, "agent_workspace_user")
        yield* grantRole(user.id, "agent_workspace_user")
        assert.sameMembers(
          [...((yield* findUser(user.id))?.roles ?? [])],
          ["sn_customerservice.consumer", "agent_workspace_user"]
        )
        assert.include(
          (yield* usersWithRole("agent_workspace_user")).map((u) => u.id),
          user.id
        )
        yield* revokeRole(user.id, "agent_workspace_user")
        const token = unique("token")
        yield* setApiToken(user.id, token)
        assert.strictEqual((yield* findUserByApiToken(token))?.id, user.id)
        assert.notStrictEqual((yield* findUser(user.id))?.apiTokenHash, token)
        yield* setUserActive(user.id, false)
        assert.isUndefined(yield* findUserByApiToken(token))
      })
    )

    it.effect("rejects a second user with the same login", () =>
      Effect.gen(function* () {
        const login = unique("dup")
        yield* createUser({ login, email: `${login}@example.test`, displayName: "A", roles: [] })
        const error = yield* Effect.flip(createUser({ login, email: "b@example.test", displayName: "B", roles: [] }))
        assert.isTrue(error.isUniqueViolation)
      })
    )
  })
}
