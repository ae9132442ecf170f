import { type ChildProcess, spawn } from "node:child_process"
import { randomBytes, randomUUID } from "node:crypto"
import { mkdtempSync, rmSync } from "node:fs"
import { networkInterfaces, tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { afterEach, assert, describe, it } from "vitest"
import { freePort } from "../support/ports.ts"

const children: Array<ChildProcess> = []
const dirs: Array<string> = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const waitFor = async (url: string, status: number, deadline: number): Promise<Response> => {
  while (Date.now() < deadline) {
    const response = await fetch(url).catch(() => undefined)
    if (response?.status === status) return response
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${url} did not answer ${status} in time`)
}

/** The environment of a newcomer's machine: no NATS, no PostgreSQL, no Apple settings. */
const embeddedEnv = (port: number, dir: string): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    PGLITE_DIR: join(dir, "pglite"),
    HOST: "127.0.0.1"
  }
  for (const key of Object.keys(env)) {
    if (key === "NATS_URL" || key === "DATABASE_URL" || key.startsWith("APPLE_")) delete env[key]
  }
  return env
}

/** This machine's first non-loopback IPv4 address: what another machine on the network would dial. */
const externalAddress = (): string | undefined =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address

/** The error code a request to `url` fails with (`ECONNREFUSED`), or the status it was answered with. */
const dial = (url: string): Promise<string | number> =>
  fetch(url).then(
    (r) => r.status,
    (e: unknown) => String((e as { cause?: { code?: string } }).cause?.code ?? e)
  )

/** `npm start` with `env`, once it answers `/readyz` on `port`; its output so far and its exit. */
const startReady = async (env: NodeJS.ProcessEnv, port: number) => {
  const output: Array<string> = []
  const child = spawn("npm", ["start", "--silent"], { env, stdio: ["ignore", "pipe", "pipe"] })
  children.push(child)
  child.stdout?.on("data", (d: Buffer) => output.push(d.toString()))
  child.stderr?.on("data", (d: Buffer) => output.push(d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const ready = await waitFor(`http://127.0.0.1:${port}/readyz`, 200, Date.now() + 90_000).catch((e: unknown) => {
    throw new Error(`${String(e)}\n${output.join("")}`)
  })
  return { child, output, exited, ready }
}

describe("npm start", () => {
  it("serves /readyz on the embedded default and exits 0 on SIGTERM within 10 s", async () => {
    const port = await Effect.runPromise(freePort)
    const simPort = await Effect.runPromise(freePort)
    const dir = mkdtempSync(join(tmpdir(), "parley-start-"))
    dirs.push(dir)
    // HOST unset: a demo node's default, this machine only.
    const env: NodeJS.ProcessEnv = { ...embeddedEnv(port, dir), SIM_PORT: String(simPort) }
    delete env.HOST
    const { child, output, exited, ready } = await startReady(env, port)
    assert.deepEqual(await ready.json(), { status: "ready" })
    assert.strictEqual((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200)
    const logs = output.join("")
    assert.include(logs, "bus: in-process")
    assert.include(logs, "database: pglite")
    // The real bind address: demo passwords and the simulator's routes stay on this machine.
    assert.include(logs, `http: listening on 127.0.0.1:${port}, this machine only (http://127.0.0.1:${port})`)
    assert.include(logs, `demo mode: Apple simulator at http://127.0.0.1:${simPort}, loopback only`)
    // Neither the node nor the simulator answers another machine.
    const external = externalAddress()
    assert.isDefined(external, "needs a non-loopback IPv4 interface to dial")
    assert.strictEqual(await dial(`http://${external}:${port}/healthz`), "ECONNREFUSED")
    assert.strictEqual(await dial(`http://127.0.0.1:${simPort}/sim/devices`), 200)
    assert.strictEqual(await dial(`http://${external}:${simPort}/sim/devices`), "ECONNREFUSED")

    const stoppingAt = Date.now()
    child.kill("SIGTERM")
    const code = await exited
    assert.strictEqual(code, 0, output.join(""))
    assert.isBelow(Date.now() - stoppingAt, 10_000)
  }, 120_000)

  it("stops with one line naming a bad setting", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parley-start-"))
    dirs.push(dir)
    const env = { ...embeddedEnv(0, dir), STREAM_REPLICAS: "2" }
    const child = spawn("npm", ["start", "--silent"], { env, stdio: ["ignore", "pipe", "pipe"] })
    children.push(child)
    const errors: Array<string> = []
    child.stderr?.on("data", (d: Buffer) => errors.push(d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)))
    assert.notStrictEqual(code, 0)
    const lines = errors
      .join("")
      .trim()
      .split("\n")
      .filter((l) => l.includes("STREAM_REPLICAS"))
    assert.deepEqual(lines, ["parley: invalid configuration: STREAM_REPLICAS: must be 1, 3 or 5"])
  }, 60_000)

  it("stops with one line naming a bad LOG_LEVEL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parley-start-"))
    dirs.push(dir)
    const env = { ...embeddedEnv(0, dir), LOG_LEVEL: "chatty" }
    const child = spawn("npm", ["start", "--silent"], { env, stdio: ["ignore", "pipe", "pipe"] })
    children.push(child)
    const errors: Array<string> = []
    child.stderr?.on("data", (d: Buffer) => errors.push(d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)))
    assert.notStrictEqual(code, 0)
    const lines = errors.join("").trim().split("\n")
    assert.strictEqual(lines.length, 1, errors.join(""))
    assert.match(lines[0] ?? "", /^parley: invalid configuration: LOG_LEVEL: expected one of .*, got "chatty"$/)
  }, 60_000)

  /** Real Apple settings (production mode); the gateway is never called before a customer writes. */
  const productionEnv = (port: number, dir: string): NodeJS.ProcessEnv => ({
    ...embeddedEnv(port, dir),
    APPLE_MSP_ID: randomUUID(),
    APPLE_MSP_SECRET: randomBytes(32).toString("base64"),
    APPLE_BUSINESS_ID: randomUUID(),
    APPLE_API_BASE: "http://127.0.0.1:9/v1"
  })

  it("outside demo mode refuses to start without SESSION_SECRET, in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "parley-start-"))
    dirs.push(dir)
    const env = productionEnv(await Effect.runPromise(freePort), dir)
    delete env.SESSION_SECRET
    const child = spawn("npm", ["start", "--silent"], { env, stdio: ["ignore", "pipe", "pipe"] })
    children.push(child)
    const errors: Array<string> = []
    child.stderr?.on("data", (d: Buffer) => errors.push(d.toString()))
    const code = await new Promise<number | null>((resolve) => child.once("close", (c) => resolve(c)))
    assert.notStrictEqual(code, 0, errors.join(""))
    const lines = errors
      .join("")
      .trim()
      .split("\n")
      .filter((l) => l.includes("SESSION_SECRET"))
    assert.deepEqual(
      lines,
      [
        "parley: invalid configuration: SESSION_SECRET: required outside demo mode (the same 32+ characters on every node)"
      ],
      errors.join("")
    )
  }, 60_000)

  it("outside demo mode: every interface by default, and no demo accounts (the demo manager's login answers 401)", async () => {
    const port = await Effect.runPromise(freePort)
    const dir = mkdtempSync(join(tmpdir(), "parley-start-"))
    dirs.push(dir)
    const env: NodeJS.ProcessEnv = {
      ...productionEnv(port, dir),
      SESSION_SECRET: randomBytes(32).toString("base64url")
    }
    delete env.HOST
    const { output } = await startReady(env, port)
    const response = await fetch(`http://127.0.0.1:${port}/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ login: "sam.manager", password: "parley-demo" })
    })
    assert.strictEqual(response.status, 401)
    assert.include(
      output.join(""),
      `http: listening on 0.0.0.0:${port}, every interface (http://127.0.0.1:${port} from this machine)`
    )
    const external = externalAddress()
    assert.isDefined(external, "needs a non-loopback IPv4 interface to dial")
    assert.strictEqual(await dial(`http://${external}:${port}/healthz`), 200)
  }, 120_000)
})
