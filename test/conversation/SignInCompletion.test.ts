import { assert, describe, it } from "@effect/vitest"
import type { SignIn } from "../../actors/conversation/ConversationState.ts"
import { step } from "../../actors/conversation/SignInCompletion.ts"

/**
 * When a sign-in completes (actors/conversation/SignInCompletion.ts): the one decision behind the
 * device's reply and the provider's code, in either order. What it hands on (`SignInReady`) is
 * what the provider is asked with, outside the turn.
 */

const auth2: SignIn = { state: "s1", requestIdentifier: "r1", replied: false, topic: "replaceCard" }
const legacy: SignIn = { state: "s2", requestIdentifier: "r2", replied: false, privateKey: "key" }
const answered = { _tag: "Reply", authenticated: true, token: undefined } as const

describe("sign-in completion", () => {
  it("AUTH2, reply first: it waits for the code, which completes it", () => {
    const waiting = step(auth2, answered)
    assert.deepStrictEqual(waiting, { _tag: "Wait", signIn: { ...auth2, replied: true } })
    const done = step(waiting.signIn, { _tag: "Code", code: "c1" })
    assert.deepStrictEqual(done, {
      _tag: "Ready",
      signIn: { ...auth2, replied: true },
      ready: { _tag: "SignInReady", state: "s1", code: "c1" }
    })
  })

  it("AUTH2, code first: it waits for the reply, which completes it with that code", () => {
    const waiting = step(auth2, { _tag: "Code", code: "c1" })
    assert.deepStrictEqual(waiting, { _tag: "Wait", signIn: { ...auth2, code: "c1" } })
    const done = step(waiting.signIn, answered)
    assert.strictEqual(done._tag, "Ready")
    assert.deepStrictEqual(done._tag === "Ready" ? done.ready : undefined, {
      _tag: "SignInReady",
      state: "s1",
      code: "c1"
    })
    // The code travels with the message and is not kept (single-use).
    assert.isUndefined(done.signIn.code)
  })

  it("legacy AUTH: the reply's token completes it with the key it was encrypted to, which is not kept", () => {
    const done = step(legacy, { _tag: "Reply", authenticated: true, token: "sealed" })
    assert.deepStrictEqual(done, {
      _tag: "Ready",
      signIn: { state: "s2", requestIdentifier: "r2", replied: true },
      ready: { _tag: "SignInReady", state: "s2", token: "sealed", privateKey: "key" }
    })
  })

  it("declined on the device: complete with nothing to exchange, even when a code or key was held", () => {
    for (const signIn of [{ ...auth2, code: "c1" }, legacy]) {
      const done = step(signIn, { _tag: "Reply", authenticated: false, token: "ignored" })
      assert.deepStrictEqual(done._tag === "Ready" ? done.ready : undefined, {
        _tag: "SignInReady",
        state: signIn.state
      })
    }
  })
})
