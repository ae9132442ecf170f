import { randomBytes } from "node:crypto"
import { Effect, type Scope } from "effect"
import { Hono } from "hono"
import { serveSim } from "./SimServer.ts"

/**
 * A business's OAuth 2.0 identity provider, run as a server of its own (Apple has no part in it:
 * the business registers its authorize and token URLs and client id in Apple Business Register).
 * `GET /authorize` signs the person named by `login_hint` in at once and redirects with a `code`
 * (or, for legacy `response_type=token`, the `access_token` in the fragment); `POST /token`
 * exchanges the code for a token as RFC 6749 §4.1.3 says, checking the client's id and secret
 * (form fields, as Apple's sample 20 sends them, or HTTP Basic) and the redirect URI;
 * `GET /userinfo` answers OpenID Connect claims with `email_verified`.
 */
export interface IdpOptions {
  readonly clientId: string
  readonly clientSecret: string
  readonly host?: string
  readonly port?: number
  /** Access token lifetime in seconds. */
  readonly tokenSeconds?: number
}

export interface SimIdp {
  readonly origin: string
  readonly authorizeUrl: string
  readonly tokenUrl: string
  readonly userinfoUrl: string
  readonly clientId: string
  readonly clientSecret: string
  /** Marks an address unverified (`email_verified: false`) or verified again. */
  readonly setEmailVerified: (email: string, verified: boolean) => void
  /** Token requests seen, with the client id they named (tests read it). */
  readonly tokenRequests: ReadonlyArray<{ readonly clientId: string | undefined; readonly ok: boolean }>
}

interface Grant {
  readonly email: string
  readonly redirectUri: string
  readonly clientId: string
  readonly scope: string
}

const basicCredentials = (header: string | undefined): { id: string; secret: string } | undefined => {
  const encoded = /^Basic (\S+)$/i.exec(header ?? "")?.[1]
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, "base64").toString("utf8")
  const colon = decoded.indexOf(":")
  return colon < 0
    ? undefined
    : {
        id: decodeURIComponent(decoded.slice(0, colon)),
        secret: decodeURIComponent(decoded.slice(colon + 1))
      }
}

export const makeApp = (options: IdpOptions) => {
  const codes = new Map<string, Grant>()
  const tokens = new Map<string, { readonly email: string; readonly expires: number }>()
  const unverified = new Set<string>()
  const tokenRequests: Array<{ readonly clientId: string | undefined; readonly ok: boolean }> = []
  const lifetime = (options.tokenSeconds ?? 3600) * 1000
  const issueToken = (email: string) => {
    const token = randomBytes(24).toString("base64url")
    tokens.set(token, { email, expires: Date.now() + lifetime })
    return token
  }
  const app = new Hono()

  app.get("/authorize", (c) => {
    const q = (name: string) => c.req.query(name)
    const redirectUri = q("redirect_uri")
    const email = q("login_hint")
    if (q("client_id") !== options.clientId) return c.json({ error: "unauthorized_client" }, 400)
    if (redirectUri === undefined || !/^https?:\/\//.test(redirectUri) || email === undefined)
      return c.json({ error: "invalid_request" }, 400)
    const state = q("state")
    const target = new URL(redirectUri)
    if (q("response_type") === "token") {
      const fragment = new URLSearchParams({ access_token: issueToken(email), token_type: "Bearer" })
      if (state !== undefined) fragment.set("state", state)
      target.hash = fragment.toString()
      return c.redirect(target.toString(), 302)
    }
    if (q("response_type") !== "code") return c.json({ error: "unsupported_response_type" }, 400)
    const code = randomBytes(16).toString("hex")
    codes.set(code, { email, redirectUri, clientId: options.clientId, scope: q("scope") ?? "" })
    target.searchParams.set("code", code)
    if (state !== undefined) target.searchParams.set("state", state)
    return c.redirect(target.toString(), 302)
  })

  app.post("/token", async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const field = (name: string) => (typeof form[name] === "string" ? (form[name] as string) : undefined)
    const basic = basicCredentials(c.req.header("authorization"))
    const clientId = basic?.id ?? field("client_id")
    const clientSecret = basic?.secret ?? field("client_secret")
    const refuse = (error: string, status: 400 | 401) => {
      tokenRequests.push({ clientId, ok: false })
      return c.json({ error }, status)
    }
    if (clientId !== options.clientId || clientSecret !== options.clientSecret) return refuse("invalid_client", 401)
    if (field("grant_type") !== "authorization_code") return refuse("unsupported_grant_type", 400)
    const code = field("code")
    const grant = code === undefined ? undefined : codes.get(code)
    if (code === undefined || grant === undefined || grant.redirectUri !== field("redirect_uri"))
      return refuse("invalid_grant", 400)
    codes.delete(code)
    tokenRequests.push({ clientId, ok: true })
    return c.json({
      access_token: issueToken(grant.email),
      token_type: "Bearer",
      expires_in: Math.round(lifetime / 1000),
      scope: grant.scope
    })
  })

  app.get("/userinfo", (c) => {
    const token = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1]
    const held = token === undefined ? undefined : tokens.get(token)
    if (held === undefined || held.expires < Date.now()) return c.json({ error: "invalid_token" }, 401)
    return c.json({ sub: held.email, email: held.email, email_verified: !unverified.has(held.email) })
  })

  return {
    app,
    tokenRequests,
    setEmailVerified: (email: string, verified: boolean) => {
      if (verified) unverified.delete(email)
      else unverified.add(email)
    }
  }
}

/** Serves the identity provider on loopback until the scope closes. */
export const make = (options: IdpOptions): Effect.Effect<SimIdp, never, Scope.Scope> =>
  Effect.gen(function* () {
    const built = makeApp(options)
    const server = yield* serveSim(built.app, { host: options.host ?? "127.0.0.1", port: options.port ?? 0 })
    return {
      origin: server.url,
      authorizeUrl: `${server.url}/authorize`,
      tokenUrl: `${server.url}/token`,
      userinfoUrl: `${server.url}/userinfo`,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      setEmailVerified: built.setEmailVerified,
      tokenRequests: built.tokenRequests
    }
  })
