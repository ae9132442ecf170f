import postgres from "postgres"
import { afterEach, beforeEach, expect, it } from "vitest"
import { databaseUrl } from "../support/TestEnv.ts"

/**
 * Our patch of postgres.js (patches/postgres+3.4.9.patch; upstream porsager/postgres #1154,
 * #1208): after the server ends a session (a restart, or the idle-in-transaction limit ending a
 * stalled node's transactions) the next write on that connection ran from a timer on a socket
 * already set to null — an uncaught TypeError that ended the whole node. Patched, the query fails
 * with CONNECTION_CLOSED, the process lives, and the pool opens a new session for the next query.
 */

let sql: postgres.Sql
let admin: postgres.Sql

beforeEach(() => {
  sql = postgres(databaseUrl(), { max: 1, onnotice: () => {} })
  admin = postgres(databaseUrl(), { max: 1, onnotice: () => {} })
})
afterEach(() => Promise.all([sql.end({ timeout: 1 }), admin.end({ timeout: 1 })]))

const codeOf = (error: unknown) => (error instanceof Error && "code" in error ? String(error.code) : String(error))
const settle = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/** The pool answers again, on a fresh session. */
const servesAgain = async (endedPid: number) => {
  const [row] = await sql<Array<{ pid: number }>>`select pg_backend_pid() as pid`
  expect(row?.pid).toBeTypeOf("number")
  expect(row?.pid).not.toBe(endedPid)
}

it("a transaction whose session the server ended fails, and the pool serves again", async () => {
  let endedPid = 0
  const outcome = await sql
    .begin(async (tx) => {
      const [row] = await tx<Array<{ pid: number }>>`select pg_backend_pid() as pid`
      endedPid = row?.pid ?? 0
      await admin`select pg_terminate_backend(${endedPid})`
      await settle(200)
      await tx`select 1 as one`
    })
    .then(() => "committed", codeOf)
  expect(outcome).toBe("CONNECTION_CLOSED")
  await settle(50)
  await servesAgain(endedPid)
})

it("a reserved session the server ended fails its query, and once released the pool serves again", async () => {
  const reserved = await sql.reserve()
  const [row] = await reserved<Array<{ pid: number }>>`select pg_backend_pid() as pid`
  const endedPid = row?.pid ?? 0
  await admin`select pg_terminate_backend(${endedPid})`
  await settle(200)
  const outcome = await reserved`select 1 as one`.then(() => "answered", codeOf)
  expect(outcome).toBe("CONNECTION_CLOSED")
  reserved.release()
  await servesAgain(endedPid)
})
