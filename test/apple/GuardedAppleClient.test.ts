import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Option } from "effect"
import { appleClient } from "../../actors/apple/GuardedAppleClient.ts"
import { AppleClient } from "../../apple/AppleClient.ts"
import { CallOutInTransaction, transactionalPart } from "../../runtime/CallOut.ts"

/**
 * Actors reach Apple only through `appleClient` (actors/apple/GuardedAppleClient.ts): every call
 * is a call-out, made outside a transactional turn and refused inside one (runtime/CallOut.ts).
 */

/** A client whose every method records its name and dies: what matters is whether it was reached. */
const recording = (reached: Array<string>): AppleClient["Type"] => {
  const method = (name: string) => () =>
    Effect.suspend(() => {
      reached.push(name)
      return Effect.dieMessage(`fake ${name}`)
    })
  return {
    send: method("send"),
    uploadAttachment: method("uploadAttachment"),
    downloadAttachment: method("downloadAttachment"),
    resolveDataRef: method("resolveDataRef"),
    decodePayload: method("decodePayload"),
    uploadInteractive: method("uploadInteractive")
  }
}

/** Calls one method of the client with no arguments (the fake reads none). */
const call = (client: AppleClient["Type"], name: string) =>
  (Reflect.get(client, name) as () => Effect.Effect<unknown, unknown>)()

const dieOf = (exit: Exit.Exit<unknown, unknown>) =>
  Exit.isFailure(exit) ? Cause.dieOption(exit.cause) : Option.none<unknown>()

/** The source files under `dir`, recursively. */
const sources = (dir: string): ReadonlyArray<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    return entry.isDirectory() ? sources(path) : entry.name.endsWith(".ts") ? [path] : []
  })

describe("the Apple client as actors take it", () => {
  it.effect("every method is a call-out: made outside a transactional turn, refused unmade inside one", () =>
    Effect.gen(function* () {
      const reached: Array<string> = []
      const fake = recording(reached)
      const guarded = yield* Effect.provideService(appleClient, AppleClient, fake)
      const names = Object.keys(fake)
      assert.deepStrictEqual(Object.keys(guarded).sort(), [...names].sort())
      for (const name of names) {
        const inside = dieOf(yield* Effect.exit(transactionalPart(call(guarded, name))))
        assert.isTrue(Option.isSome(inside) && inside.value instanceof CallOutInTransaction, name)
        assert.strictEqual(Option.isSome(inside) && (inside.value as CallOutInTransaction).what, `apple: ${name}`)
        assert.notInclude(reached, name)
        const outside = dieOf(yield* Effect.exit(call(guarded, name)))
        assert.include(String(Option.getOrUndefined(outside)), `fake ${name}`)
        assert.include(reached, name)
      }
    })
  )

  it("no actor takes the Apple client but through appleClient", () => {
    const valueImport = /import\s*\{([^}]*)\}\s*from\s*"[^"]*apple\/AppleClient\.ts"/g
    const offenders = sources(fileURLToPath(new URL("../../actors", import.meta.url))).filter((file) => {
      if (file.endsWith("GuardedAppleClient.ts")) return false
      const text = readFileSync(file, "utf8")
      return [...text.matchAll(valueImport)].some((m) =>
        (m[1] ?? "").split(",").some((name) => name.trim() === "AppleClient")
      )
    })
    assert.deepStrictEqual(offenders, [])
  })
})
