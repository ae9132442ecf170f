import { randomBytes } from "node:crypto"
import { existsSync } from "node:fs"
import { connect } from "node:net"
import postgres from "postgres"
import type { TestProject } from "vitest/node"
import { migrateUrl } from "../../db/migrate.ts"
import { buildWeb } from "../../scripts/buildWeb.ts"

const defaultDatabaseUrl = "postgres://postgres:postgres@127.0.0.1:5432/postgres"
const defaultNatsUrl = "nats://127.0.0.1:4222"

const reachable = (url: string): Promise<boolean> =>
  new Promise((resolve) => {
    const u = new URL(url)
    const socket = connect({ host: u.hostname, port: Number(u.port) })
    socket.setTimeout(2000)
    socket.once("connect", () => {
      socket.destroy()
      resolve(true)
    })
    socket.once("error", () => resolve(false))
    socket.once("timeout", () => {
      socket.destroy()
      resolve(false)
    })
  })

/**
 * One fresh PostgreSQL database per test run, migrated, dropped afterwards. Fails loudly
 * (never skips) when a server the suite needs is missing.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The browser tests and the served pages need web/dist as the tree has it.
  await buildWeb()
  const adminUrl = process.env.DATABASE_URL ?? defaultDatabaseUrl
  const natsUrl = process.env.NATS_URL ?? defaultNatsUrl
  if (!(await reachable(natsUrl))) {
    throw new Error(
      `NATS is not reachable at ${natsUrl}: apt-get install nats-server and run 'nats-server -js', or set NATS_URL`
    )
  }
  if (!(await reachable(adminUrl))) {
    throw new Error(
      `PostgreSQL is not reachable at ${new URL(adminUrl).host}: apt-get install postgresql and start it, or set DATABASE_URL`
    )
  }
  const name = `parley_test_${randomBytes(5).toString("hex")}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  if (existsSync(new URL("../../db/migrations/meta/_journal.json", import.meta.url))) {
    await migrateUrl(url.toString())
  }
  project.provide("databaseUrl", url.toString())
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}
