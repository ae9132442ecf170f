import { randomBytes, randomUUID } from "node:crypto"
import { serve } from "@hono/node-server"
import { Cause, Effect, Exit, Schedule } from "effect"
import { Hono } from "hono"
import postgres from "postgres"
import { demoBusinessId } from "../db/seed/customers.ts"
import { nodeFlags } from "../node/NodeFlags.ts"
import * as NatsServer from "../test/support/NatsServer.ts"
import { spawn } from "../test/support/Process.ts"
import { freePorts } from "../test/support/ports.ts"

/**
 * `npm run cluster:demo`: three nats-servers (a JetStream cluster, streams at R3), three Parley
 * nodes sharing one PostgreSQL database, the Apple simulator, and a round-robin front door for
 * Apple's webhooks, all on free loopback ports. Prints the URLs and runs until Ctrl-C, then stops
 * everything and drops the demo database. Needs `nats-server` and `DATABASE_URL` (PostgreSQL:
 * PGlite cannot be shared by processes). See docs/cluster.md.
 */

const NODES = Number(process.env.CLUSTER_NODES ?? 3)
const adminUrl = process.env.DATABASE_URL

const prefixed = (label: string) => (chunk: string) => {
  for (const line of chunk.split("\n")) if (line.trim() !== "") process.stdout.write(`[${label}] ${line}\n`)
}

const database = Effect.acquireRelease(
  Effect.promise(async () => {
    if (adminUrl === undefined) throw new Error("DATABASE_URL must point at PostgreSQL (the nodes share it)")
    const name = `parley_cluster_${randomBytes(3).toString("hex")}`
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${name}`)
    await admin.end()
    const url = new URL(adminUrl)
    url.pathname = `/${name}`
    return { name, url: url.toString() }
  }),
  ({ name }) =>
    Effect.promise(async () => {
      const admin = postgres(adminUrl ?? "", { max: 1, onnotice: () => {} })
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    })
)

/** Apple sees one webhook URL; behind it any node will do, and a node that is down is skipped. */
const frontDoor = (port: number, nodes: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      let next = 0
      const app = new Hono()
      app.all("*", async (c) => {
        const body = c.req.method === "GET" || c.req.method === "HEAD" ? undefined : await c.req.arrayBuffer()
        const headers = new Headers(c.req.raw.headers)
        for (const hop of ["host", "connection", "content-length", "transfer-encoding", "keep-alive"])
          headers.delete(hop)
        for (let tried = 0; tried < nodes.length; tried++) {
          const base = nodes[next++ % nodes.length]!
          const target = new URL(c.req.path + (new URL(c.req.url).search ?? ""), base)
          const answer = await fetch(target, {
            method: c.req.method,
            headers,
            ...(body !== undefined ? { body } : {})
          }).catch((e: unknown) => {
            process.stdout.write(`[door] ${base} unreachable (${String(e)}), trying the next node\n`)
            return undefined
          })
          if (answer !== undefined && answer.status !== 503) return answer
        }
        return c.json({ error: { code: "unavailable", message: "no node answered" } }, 503)
      })
      return serve({ fetch: app.fetch, port, hostname: "127.0.0.1" })
    }),
    (server) => Effect.sync(() => server.close())
  )

const program = Effect.gen(function* () {
  const nats = yield* NatsServer.cluster(3)
  const db = yield* database
  const ports = yield* freePorts(NODES + 2)
  const simPort = ports[NODES]!
  const doorPort = ports[NODES + 1]!
  const door = `http://127.0.0.1:${doorPort}`
  const nodeUrls = ports.slice(0, NODES).map((p) => `http://127.0.0.1:${p}`)
  const apple = {
    APPLE_MSP_ID: randomUUID(),
    APPLE_MSP_SECRET: randomBytes(32).toString("base64"),
    APPLE_BUSINESS_ID: demoBusinessId,
    APPLE_API_BASE: `http://127.0.0.1:${simPort}/v1`
  }
  const shared = {
    ...process.env,
    ...apple,
    NATS_URL: nats.clientUrls.join(","),
    DATABASE_URL: db.url,
    STREAM_REPLICAS: "3",
    SUBJECT_PREFIX: `demo${randomBytes(3).toString("hex")}`,
    SESSION_SECRET: randomBytes(32).toString("base64url"),
    SEED_DEMO_DATA: "true",
    PUBLIC_URL: door
  }
  yield* spawn({
    name: "sim",
    command: process.execPath,
    args: ["--import", "tsx", "sim/main.ts", "--port", String(simPort), "--msp-url", door],
    env: shared,
    onOutput: prefixed("sim")
  })
  for (const [i, port] of ports.slice(0, NODES).entries()) {
    yield* spawn({
      name: `node-${i + 1}`,
      command: process.execPath,
      args: [...nodeFlags, "--import", "tsx", "main.ts"],
      env: { ...shared, PORT: String(port), NODE_ID: `node-${i + 1}` },
      grace: "12 seconds",
      onOutput: prefixed(`node-${i + 1}`)
    })
  }
  yield* frontDoor(doorPort, nodeUrls)
  const ready = (url: string) =>
    Effect.tryPromise(() => fetch(`${url}/readyz`)).pipe(
      Effect.filterOrFail((r) => r.ok),
      Effect.retry(Schedule.spaced("500 millis").pipe(Schedule.upTo("90 seconds")))
    )
  yield* Effect.forEach(nodeUrls, ready, { concurrency: "unbounded" })
  const lines = [
    "",
    "Parley cluster demo is up:",
    ...nats.servers.map((s) => `  nats ${s.name}: ${s.clientUrl} (monitor ${s.monitorUrl})`),
    ...nodeUrls.map((u, i) => `  node-${i + 1}: ${u}  (/healthz, /metrics, /api, /ws)`),
    `  Apple webhook front door (round robin): ${door}/message`,
    `  Apple simulator: http://127.0.0.1:${simPort}  (GET /sim/violations)`,
    `  database: ${db.name}; subject prefix ${shared.SUBJECT_PREFIX}; STREAM_REPLICAS=3`,
    "Ctrl-C stops everything and drops the demo database.",
    ""
  ]
  yield* Effect.sync(() => process.stdout.write(lines.join("\n")))
  return yield* Effect.never
})

const fiber = Effect.runFork(Effect.scoped(program))
const stop = () => {
  process.stdout.write("\nstopping the cluster demo…\n")
  Effect.runFork(fiber.interruptAsFork(fiber.id()))
}
process.once("SIGINT", stop)
process.once("SIGTERM", stop)
fiber.addObserver((exit) => {
  if (Exit.isFailure(exit) && !Cause.isInterruptedOnly(exit.cause)) {
    process.stderr.write(`cluster demo failed: ${Cause.pretty(exit.cause)}\n`)
    process.exit(1)
  }
  process.stdout.write("cluster demo stopped; demo database dropped\n")
  process.exit(0)
})
