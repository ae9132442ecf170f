import { randomBytes } from "node:crypto"
import { assert, layer } from "@effect/vitest"
import { hash } from "@node-rs/argon2"
import { Effect, Exit, Layer } from "effect"
import { SignJWT } from "jose"
import * as PgliteDb from "../../db/PgliteDb.ts"
import { contactRef } from "../../db/queries/CustomerRef.ts"
import { createAccount, createContact } from "../../db/queries/customers.ts"
import { createUser, setApiToken, setUserActive } from "../../db/queries/users.ts"
import * as AuthConfig from "../../http/auth/AuthConfig.ts"
import { Authenticator, layer as authenticatorLayer, bearerOf } from "../../http/auth/Authenticator.ts"
import { isAgent, isCustomer, isManager } from "../../http/auth/Principal.ts"
import * as SessionTokens from "../../http/auth/SessionTokens.ts"

const auth = authenticatorLayer.pipe(
  Layer.provide(SessionTokens.layer),
  Layer.provide(AuthConfig.layer({ sessionSeconds: 60 })),
  Layer.provideMerge(PgliteDb.layerMemory)
)

const unique = () => randomBytes(4).toString("hex")

layer(auth, { timeout: 60_000 })("Authenticator", (it) => {
  it.effect("signs in with the argon2 password and the token carries roles and customer", () =>
    Effect.gen(function* () {
      const authenticator = yield* Authenticator
      const account = yield* createAccount({ name: `Acme ${unique()}` })
      const contact = yield* createContact(account.id, {
        firstName: "Pat",
        lastName: "Lee",
        email: `${unique()}@x.example`
      })
      const login = `pat.${unique()}`
      yield* createUser({
        login,
        email: "pat@x.example",
        displayName: "Pat Lee",
        passwordHash: yield* Effect.promise(() => hash("correct horse")),
        roles: ["sn_customerservice.customer"],
        customer: contactRef(contact.id)
      })
      const session = yield* authenticator.login(login, "correct horse")
      assert.isTrue(session.expiresAt.getTime() > Date.now())
      const principal = yield* authenticator.authenticate(session.token)
      assert.strictEqual(principal.login, login)
      assert.deepStrictEqual(principal.customer, contactRef(contact.id))
      assert.isTrue(isCustomer(principal))
      assert.isFalse(isAgent(principal))
    })
  )

  it.effect("refuses a wrong password, an unknown login and an inactive user alike", () =>
    Effect.gen(function* () {
      const authenticator = yield* Authenticator
      const login = `sam.${unique()}`
      const user = yield* createUser({
        login,
        email: "sam@x.example",
        displayName: "Sam",
        passwordHash: yield* Effect.promise(() => hash("pw-1")),
        roles: ["sn_customerservice_manager"]
      })
      const wrong = yield* Effect.flip(authenticator.login(login, "pw-2"))
      const unknown = yield* Effect.flip(authenticator.login(`nobody.${unique()}`, "pw-1"))
      assert.deepStrictEqual(wrong, unknown, "a wrong password and an unknown login look the same")
      const ok = yield* authenticator.login(login, "pw-1")
      assert.isTrue(isManager(ok.principal) && isAgent(ok.principal))
      yield* setUserActive(user.id, false)
      assert.isTrue(Exit.isFailure(yield* Effect.exit(authenticator.login(login, "pw-1"))))
      assert.isTrue(Exit.isFailure(yield* Effect.exit(authenticator.refresh(ok.principal))))
    })
  )

  it.effect("accepts an API token, and rejects a forged or foreign-key session token", () =>
    Effect.gen(function* () {
      const authenticator = yield* Authenticator
      const user = yield* createUser({
        login: `bot.${unique()}`,
        email: "b@x.example",
        displayName: "Bot",
        roles: ["agent_workspace_user"]
      })
      const token = randomBytes(24).toString("base64url")
      yield* setApiToken(user.id, token)
      assert.strictEqual((yield* authenticator.authenticate(token)).userId, user.id)
      assert.strictEqual((yield* Effect.flip(authenticator.authenticate("not-a-token")))._tag, "Unauthenticated")
      const forged = yield* Effect.promise(() =>
        new SignJWT({
          principal: { userId: user.id, login: "x", displayName: "x", roles: ["sn_customerservice_manager"] }
        })
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("parley")
          .setAudience("parley-session")
          .setExpirationTime("1h")
          .sign(randomBytes(32))
      )
      const refused = yield* Effect.flip(authenticator.authenticate(forged))
      assert.strictEqual(refused._tag, "Unauthenticated")
      assert.match(refused._tag === "Unauthenticated" ? refused.reason : "", /invalid session token/)
    })
  )

  it("reads a bearer header", () => {
    assert.strictEqual(bearerOf("Bearer abc.def"), "abc.def")
    assert.strictEqual(bearerOf("bearer   tok "), "tok")
    assert.isUndefined(bearerOf("Basic abc"))
    assert.isUndefined(bearerOf(undefined))
  })
})
