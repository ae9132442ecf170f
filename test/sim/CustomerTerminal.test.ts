import { spawn } from "node:child_process"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as TestNode from "../support/TestNode.ts"

/**
 * `npm run customer` as a child process: its stdin written line by line, its stdout read. Each
 * wait resolves on the output event that shows the expected text, or fails after `timeoutMs`
 * with what the terminal showed.
 */
const terminal = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child = spawn(process.execPath, ["--import", "tsx", "scripts/customer.ts", ...args], {
        stdio: ["pipe", "pipe", "pipe"]
      })
      let shown = ""
      const listeners = new Set<() => void>()
      const onData = (chunk: Buffer) => {
        shown += chunk.toString()
        for (const listener of listeners) listener()
      }
      child.stdout.on("data", onData)
      child.stderr.on("data", onData)
      const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
        Effect.async<RegExpMatchArray, Error>((resume) => {
          const check = () => {
            const match = shown.match(pattern)
            if (match === null) return
            listeners.delete(check)
            clearTimeout(timer)
            shown = shown.slice((match.index ?? 0) + match[0].length)
            resume(Effect.succeed(match))
          }
          const timer = setTimeout(() => {
            listeners.delete(check)
            resume(Effect.fail(new Error(`waited for ${pattern}; the terminal showed:\n${shown}`)))
          }, timeoutMs)
          listeners.add(check)
          check()
        })
      const type = (line: string) => Effect.sync(() => child.stdin.write(`${line}\n`))
      return { child, waitFor, type }
    }),
    ({ child }) => Effect.sync(() => child.kill("SIGTERM"))
  )

describe("npm run customer", () => {
  // Live clock: the node checks the simulator's token times against it.
  it.live(
    "Jane answers a list picker with a number and the form page by page, in a terminal",
    () =>
      Effect.scoped(
        Effect.gen(function* () {
          const node = yield* TestNode.start({ infra: "nats", demo: true })
          const jane = yield* terminal(["--url", node.url, "--as", "jane"])
          yield* jane.waitFor(/you are Jane Doe \(iphone: QUICK,LIST,TIME,AUTH2,FORM\)/)
          yield* jane.type("I need a replacement credit card")
          // The first answer waits for the conversation's partition, which a loaded machine takes time to reach.
          yield* jane.waitFor(/Parley: Hi Jane!/, 150_000)
          yield* jane.waitFor(/\[list\] Which card would you like to replace\?/)
          const visa = yield* jane.waitFor(/(\d)\. Parley Rewards Visa Signature/)
          yield* jane.waitFor(/Number \(or just write\):/)
          yield* jane.type(visa[1] ?? "")

          yield* jane.waitFor(/\[form\] Replacement details/)
          yield* jane.waitFor(/Why do you need a replacement\?\n\s+1\. Lost/)
          yield* jane.type("1")
          yield* jane.waitFor(/When did it happen\?\n\s+\(YYYY-MM-DD\) >/)
          yield* jane.type("last week")
          yield* jane.waitFor(/must be a date/)
          yield* jane.type("2026-03-10")
          yield* jane.waitFor(/Enter keeps: 500 Market Street/)
          yield* jane.type("")
          yield* jane.waitFor(/Phone number/)
          yield* jane.type("")
          yield* jane.waitFor(/\[time picker\] Choose a delivery slot\n\s+1\. \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/)

          const device = node.sim.customers.get("urn:mbid:AQAAY-demo-jane")
          const replies = (device?.log ?? []).flatMap((e) =>
            e.direction === "out" ? [e.summary ?? e.fields.body] : []
          )
          assert.deepStrictEqual(replies, [
            "I need a replacement credit card",
            "Parley Rewards Visa Signature",
            "Submitted"
          ])
          const form = device?.received.find((r) => r.interactive?.data?.dynamic !== undefined)
          assert.isDefined(form)
          assert.deepStrictEqual(node.sim.violations(), [])
        })
      ),
    { timeout: 300_000 }
  )
})
