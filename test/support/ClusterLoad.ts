import { type Duration, Effect } from "effect"
import postgres from "postgres"
import type { SimCustomer } from "../../sim/SimCustomer.ts"
import type { Cluster } from "./Cluster.ts"

/**
 * The load of the failover scenarios: K customers each send "menu 1" … "menu M" in order (each
 * POST answered before the next, as one device does), and the bot answers every one with its menu.
 * `check` then reads the database and the simulator: every message stored exactly once and in
 * order, every bot reply sent to Apple exactly once.
 */

/** No sign-in capabilities: the bot greets once and then answers each "menu n" with one menu. */
const capabilities = ["QUICK", "LIST", "TIME", "FORM"]

export interface LoadResult {
  readonly customers: ReadonlyArray<SimCustomer>
  readonly sent: number
  readonly seconds: number
  /** Customer message → bot reply, milliseconds, every message. */
  readonly latencies: ReadonlyArray<number>
  /** Largest gap between two consecutive replies to anyone, milliseconds (the failover gap). */
  readonly longestSilence: number
  /** Every wait: who, which message, sent when (ms after the load started), how long; longest first. */
  readonly waits: ReadonlyArray<Wait>
}

export interface Wait {
  readonly customer: string
  readonly n: number
  readonly sentAt: number
  readonly ms: number
}

export const run = <R = never>(
  cluster: Cluster,
  options: {
    readonly customers: number
    readonly messages: number
    readonly label: string
    /** Runs alongside the load (e.g. kill a node after a while). */
    readonly during?: Effect.Effect<void, unknown, R>
    /** How long one reply may take before the run fails (default 120 s). */
    readonly replyWithin?: Duration.DurationInput
  }
): Effect.Effect<LoadResult, unknown, R> =>
  Effect.gen(function* () {
    const customers = Array.from({ length: options.customers }, (_, i) =>
      cluster.sim.customers.add({
        id: `urn:mbid:AQAAY-load-${options.label}-${i}-${crypto.randomUUID().slice(0, 8)}`,
        capabilities
      })
    )
    const latencies: Array<number> = []
    const waits: Array<Wait> = []
    const replyTimes: Array<number> = []
    const started = Date.now()
    const talk = (customer: SimCustomer) =>
      Effect.gen(function* () {
        for (let n = 1; n <= options.messages; n++) {
          const at = Date.now()
          yield* customer.send({ type: "text", body: `menu ${n}` })
          // The reply to this message is its menu (the first message also gets a greeting first).
          yield* customer
            .next((r) => r.message.type === "interactive")
            .pipe(Effect.timeout(options.replyWithin ?? "120 seconds"))
          const now = Date.now()
          latencies.push(now - at)
          waits.push({ customer: customer.id, n, sentAt: at - started, ms: now - at })
          replyTimes.push(now)
        }
      })
    const load = Effect.forEach(customers, talk, { concurrency: "unbounded", discard: true })
    if (options.during === undefined) yield* load
    else yield* Effect.all([load, options.during], { concurrency: "unbounded", discard: true })
    const sorted = [...replyTimes].sort((a, b) => a - b)
    let longestSilence = 0
    for (let i = 1; i < sorted.length; i++) longestSilence = Math.max(longestSilence, sorted[i]! - sorted[i - 1]!)
    return {
      customers,
      sent: options.customers * options.messages,
      seconds: (Date.now() - started) / 1000,
      latencies,
      longestSilence,
      waits: [...waits].sort((a, b) => b.ms - a.ms)
    }
  })

export interface Violations {
  readonly lost: Array<string>
  readonly duplicated: Array<string>
  readonly outOfOrder: Array<string>
  readonly repliesNotOnce: Array<string>
}

/** What the database and the simulator say about the load; every list empty means correct. */
export const check = (cluster: Cluster, result: LoadResult, messages: number): Effect.Effect<Violations> =>
  Effect.promise(async () => {
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} })
    const v: Violations = { lost: [], duplicated: [], outOfOrder: [], repliesNotOnce: [] }
    try {
      for (const customer of result.customers) {
        const rows = await sql<Array<{ direction: string; kind: string; text: string | null }>>`
          select m.direction, m.kind, m.body->>'text' as text
          from messages m join interactions i on i.id = m.interaction_id
          where i.opaque_id = ${customer.id} order by m.id`
        const inbound = rows.filter((r) => r.direction === "in").map((r) => Number(r.text?.replace("menu ", "")))
        const expected = Array.from({ length: messages }, (_, i) => i + 1)
        for (const n of expected) {
          const times = inbound.filter((x) => x === n).length
          if (times === 0) v.lost.push(`${customer.id} #${n}`)
          if (times > 1) v.duplicated.push(`${customer.id} #${n} ×${times}`)
        }
        if (inbound.some((x, i) => i > 0 && x < inbound[i - 1]!))
          v.outOfOrder.push(`${customer.id}: ${inbound.join(",")}`)
        const menus = customer.received.filter((r) => r.message.type === "interactive").length
        const storedMenus = rows.filter((r) => r.direction === "out" && r.kind === "listPicker").length
        if (menus !== messages || storedMenus !== messages)
          v.repliesNotOnce.push(
            `${customer.id}: Apple got ${menus}, transcript has ${storedMenus}, expected ${messages}`
          )
      }
    } finally {
      await sql.end()
    }
    return v
  })

/** The longest waits, for a log line: customer suffix, message number, sent at, waited. */
export const describeSlowest = (waits: ReadonlyArray<Wait>, count = 3): string =>
  waits
    .slice(0, count)
    .map((w) => `${w.customer.slice(-14)} #${w.n} sent at ${w.sentAt} ms waited ${w.ms} ms`)
    .join("; ")

export const percentile = (values: ReadonlyArray<number>, p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}
