import { assert, layer } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { SignJWT } from "jose"
import { findUserByLogin } from "../../db/queries/users.ts"
import { AuthConfig } from "../../http/auth/AuthConfig.ts"
import { fromUser } from "../../http/auth/Principal.ts"
import * as TestNode from "../support/TestNode.ts"
import { connect } from "../ws/support.ts"

/** A session token signed with the node's own key, issuer and audience, with or without `exp`. */
const tokenFor = (node: TestNode.TestNode, login: string, withExp: boolean) =>
  Effect.gen(function* () {
    const config = yield* AuthConfig
    const user = yield* Effect.flatMap(findUserByLogin(login), Effect.fromNullable)
    const principal = fromUser(user)
    const jwt = new SignJWT({ principal })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(principal.userId)
      .setIssuer("parley")
      .setAudience("parley-session")
      .setIssuedAt()
    return yield* Effect.promise(() =>
      (withExp ? jwt.setExpirationTime("1h") : jwt).sign(Redacted.value(config.sessionSecret))
    )
  }).pipe(Effect.provide(node.context), Effect.orDie)

const me = (url: string, token: string) =>
  Effect.promise(async () => {
    const response = await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    await response.text()
    return response.status
  })

layer(TestNode.layer({ infra: "embedded" }), { timeout: 120_000, excludeTestServices: true })(
  "session token without exp",
  (it) => {
    it.scoped("is refused by REST (401) and by the agent socket (4401); the same token with exp is accepted", () =>
      Effect.gen(function* () {
        const node = yield* TestNode.Current
        const good = yield* tokenFor(node, "ava.agent", true)
        const endless = yield* tokenFor(node, "ava.agent", false)

        assert.strictEqual(yield* me(node.url, good), 200)
        assert.strictEqual(yield* me(node.url, endless), 401)

        const accepted = yield* connect(node, { header: good })
        assert.strictEqual(((yield* accepted.welcome).user as { login: string }).login, "ava.agent")
        const refused = yield* connect(node, { header: endless })
        assert.strictEqual(yield* refused.closed, 4401)
      })
    )
  }
)
