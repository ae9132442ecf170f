import { Effect, Schema } from "effect"
import type { Hono } from "hono"
import type { CustomerOptions, SimCustomer } from "./SimCustomer.ts"

const SayBody = Schema.Struct({ text: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(10_000)) })
const decodeSay = Schema.decodeUnknownEither(SayBody)

/**
 * Drives simulated customers over HTTP, so a standalone simulator (the cluster demo) can be used
 * with curl: `POST /sim/customers/<opaque id>/say {"text": "…"}` (the customer is created on first
 * use) and `GET /sim/customers/<opaque id>/received`.
 */
export const routes = (
  app: Hono,
  customers: {
    readonly add: (options?: CustomerOptions) => SimCustomer
    readonly get: (id: string) => SimCustomer | undefined
  }
): void => {
  app.post("/sim/customers/:id/say", async (c) => {
    const body = decodeSay(await c.req.json().catch(() => undefined))
    if (body._tag === "Left") return c.json({ error: 'expected JSON {"text": "…"}' }, 400)
    const id = c.req.param("id")
    const customer = customers.get(id) ?? customers.add({ id })
    const sent = await Effect.runPromise(Effect.either(customer.say(body.right.text)))
    if (sent._tag === "Left")
      return c.json({ error: "not delivered", status: sent.left.status, body: sent.left.body }, 502)
    return c.json({ messageId: sent.right }, 202)
  })
  app.get("/sim/customers/:id/received", (c) => {
    const customer = customers.get(c.req.param("id"))
    if (customer === undefined) return c.json({ error: "no such customer" }, 404)
    return c.json(
      customer.received.map((r) => ({
        type: r.message.type,
        ...(r.message.type === "text" ? { body: r.message.body } : {}),
        ...(r.interactive?.receivedMessage !== undefined ? { title: r.interactive.receivedMessage.title } : {})
      }))
    )
  })
}
