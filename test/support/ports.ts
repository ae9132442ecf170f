import { readFileSync } from "node:fs"
import { createServer } from "node:net"
import { Data, Effect } from "effect"

/** No free loopback port was found in the bounded number of tries. */
export class NoFreePort extends Data.TaggedError("NoFreePort")<{ readonly message: string }> {}

const lowestPort = 20_000

/**
 * Ports are drawn from below the kernel's ephemeral range: a port chosen there could be taken by
 * any outgoing connection (a PostgreSQL pool, a NATS client) while a test has its server stopped,
 * and then `restart()` on the same port would fail.
 */
const highestPort = (): number => {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)
    const first = Number(low)
    return Number.isInteger(first) && first > lowestPort + 1_000 ? first - 1 : 32_767
  } catch {
    return 32_767
  }
}

const tryListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer()
    server.once("error", () => resolve(false))
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)))
  })

/**
 * `count` distinct loopback ports that were free a moment ago. Another process can still take one
 * before it is bound, so callers that start servers should retry with new ports on "address in use".
 */
export const freePorts = (count: number): Effect.Effect<ReadonlyArray<number>, NoFreePort> =>
  Effect.tryPromise({
    try: async () => {
      const high = highestPort()
      const chosen = new Set<number>()
      for (let attempt = 0; attempt < count * 50 && chosen.size < count; attempt++) {
        const port = lowestPort + Math.floor(Math.random() * (high - lowestPort + 1))
        if (!chosen.has(port) && (await tryListen(port))) chosen.add(port)
      }
      if (chosen.size < count) throw new Error(`found ${chosen.size} of ${count}`)
      return [...chosen]
    },
    catch: (cause) => new NoFreePort({ message: `no ${count} free loopback ports in ${lowestPort}+: ${String(cause)}` })
  })

/** One free loopback port; see `freePorts`. */
export const freePort: Effect.Effect<number, NoFreePort> = Effect.map(freePorts(1), (ports) => ports[0]!)
