import { assert, describe, it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { describe as describeFailure } from "../../http/api/ApiError.ts"
import { Unauthenticated, wrongLogin } from "../../http/auth/AuthError.ts"
import { parse } from "../../http/ws/Session.ts"
import { apiOverDownDb } from "./DownDbApi.ts"

const refusal = (frame: Record<string, unknown> | string) => {
  const parsed = parse(typeof frame === "string" ? frame : JSON.stringify({ v: 1, ref: "r1", ...frame }))
  assert.isTrue(Either.isLeft(parsed), "refused")
  return Either.isLeft(parsed) ? parsed.left : { ref: undefined, reason: "" }
}

const uuid = "6f1c1f38-3c5e-4a57-9a8a-3c5e4a579a8a"

describe("a bad socket command is told in one line naming the field", () => {
  it("for each kind of mistake", () => {
    const cases: ReadonlyArray<readonly [Record<string, unknown> | string, string]> = [
      ["not json", "the frame is not JSON"],
      ["[1]", "a command is a JSON object with v, type and ref"],
      [{ offerId: uuid }, "type is missing"],
      [{ type: "nope" }, 'type: unknown command "nope"; expected one of hello, setPresence,'],
      [{ type: "accept", offerId: "x" }, 'offerId: expected a Universally Unique Identifier, got "x"'],
      [{ type: "setPresence", channel: "apple_messages" }, "state is missing"],
      [
        { type: "setPresence", channel: "apple_messages", state: "busy" },
        'state: expected one of "available", "away", "offline", got "busy"'
      ],
      [
        { type: "send", interactionId: uuid, clientMessageId: "c1", content: { kind: "text", body: "" } },
        "content.body: expected a string at least 1 character(s) long"
      ],
      [{ type: "transfer", interactionId: uuid }, "toQueue is missing"]
    ]
    for (const [frame, expected] of cases) {
      const { reason } = refusal(frame)
      assert.include(reason, expected, JSON.stringify(frame))
      assert.notInclude(reason, "\n")
      assert.isAtMost(reason.length, 300)
    }
    assert.strictEqual(refusal({ type: "accept", offerId: "x" }).ref, "r1", "the ref is echoed")
  })
})

describe("a bad REST request is told in one line naming the field", () => {
  it.scoped("body, query and path", () =>
    Effect.gen(function* () {
      const { app, token } = yield* apiOverDownDb(["sn_customerservice_manager"])
      const auth = { authorization: `Bearer ${token}` }
      const json = { "content-type": "application/json" }
      const cases = [
        [
          "/login",
          { method: "POST", headers: json, body: JSON.stringify({ login: "ava.agent" }) },
          "body.password is missing"
        ],
        [
          "/login",
          { method: "POST", headers: json, body: JSON.stringify({ login: "ava.agent", password: "x", extra: 1 }) },
          "body.extra is not a known field"
        ],
        ["/interactions?limit=abc", { headers: auth }, 'query.limit: unable to decode "abc" into a number'],
        ["/interactions?state=open", { headers: auth }, "query.state: expected"],
        ["/interactions/42", { headers: auth }, 'path.id: expected a Universally Unique Identifier, got "42"']
      ] as const
      for (const [path, init, expected] of cases) {
        const response = yield* Effect.promise(async () => app.request(path, init))
        const body = (yield* Effect.promise(() => response.json())) as { error: { code: string; message: string } }
        assert.strictEqual(response.status, 400, path)
        assert.strictEqual(body.error.code, "invalid_request")
        assert.include(body.error.message, expected, path)
        assert.notInclude(body.error.message, "\n", path)
      }
    })
  )

  it("a wrong password says so; a bad token still says to sign in", () => {
    assert.strictEqual(describeFailure(new Unauthenticated({ reason: wrongLogin })).message, "wrong login or password")
    assert.match(describeFailure(new Unauthenticated({ reason: "expired" })).message, /^sign in first/)
  })
})
