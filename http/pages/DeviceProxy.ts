import { Hono } from "hono"

/** Answers a request to the Apple simulator's control routes (in process, never over the network). */
export type SimulatorFetch = (request: Request) => Promise<Response>

const prefix = "/device/api/"

/**
 * Demo mode only: the device page's way to the simulated Apple device. The browser talks only to
 * Parley's own origin, so `/device/api/<path>` is handed to the in-process simulator's control route
 * `/sim/<path>` (its gateway and identity provider stay out of reach). Outside demo mode this app
 * is not mounted and the paths do not exist.
 */
export const routes = (simulator: SimulatorFetch): Hono => {
  const app = new Hono()
  app.on(["GET", "POST"], `${prefix}*`, async (c) => {
    const url = new URL(c.req.url)
    const target = new URL(`/sim/${url.pathname.slice(prefix.length)}${url.search}`, "http://simulator.invalid")
    const contentType = c.req.header("content-type")
    const response = await simulator(
      new Request(target, {
        method: c.req.method,
        headers: contentType === undefined ? {} : { "content-type": contentType },
        ...(c.req.method === "POST" ? { body: await c.req.arrayBuffer() } : {})
      })
    )
    const headers = new Headers({ "cache-control": "no-store" })
    for (const name of ["content-type", "content-disposition"]) {
      const value = response.headers.get(name)
      if (value !== null) headers.set(name, value)
    }
    return new Response(response.body, { status: response.status, headers })
  })
  return app
}
