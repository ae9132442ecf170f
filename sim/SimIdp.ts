import type { Hono } from "hono"
import type { SimState } from "./SimState.ts"

/**
 * The identity provider a business registers for authentication: authorization code → access
 * token (`POST /idp/token`), access token → profile with the customer's email (`GET /idp/userinfo`).
 */
export const routes = (app: Hono, state: SimState): void => {
  app.post("/idp/token", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const code = typeof form.code === "string" ? form.code : undefined
    const email = code === undefined ? undefined : state.authCodes.get(code)
    if (code === undefined || email === undefined) return c.json({ error: "invalid_grant" }, 400)
    state.authCodes.delete(code)
    return c.json({ access_token: state.issueAccessToken(email), token_type: "Bearer", expires_in: 3600 })
  })

  app.get("/idp/userinfo", (c) => {
    const token = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1]
    const email = token === undefined ? undefined : state.accessTokens.get(token)
    if (email === undefined) return c.json({ error: "invalid_token" }, 401)
    return c.json({ sub: email, email, email_verified: true })
  })
}
