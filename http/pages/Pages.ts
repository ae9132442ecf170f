import { Clock, Effect, type Runtime } from "effect"
import { type Context, Hono } from "hono"
import { bodyLimit } from "hono/body-limit"
import { AuthorizationCode, Conversation } from "../../actors/conversation/ConversationProtocol.ts"
import { callbackPath } from "../../actors/conversation/Identification.ts"
import * as SignInState from "../../actors/conversation/SignInState.ts"
import type { AppleConfig } from "../../apple/AppleConfig.ts"
import type { Db } from "../../db/Db.ts"
import { findArticle, findPost } from "../../db/queries/knowledge.ts"
import type { ActorSystem } from "../../runtime/ActorSystem.ts"
import { ActorSystem as System } from "../../runtime/ActorSystem.ts"
import { clientAddress } from "../ClientAddress.ts"
import type { CallbackGuard } from "./CallbackGuard.ts"
import { pageHeaders } from "./PageHeaders.ts"

/** A redirect carries a code and a state, a few hundred bytes; nothing bigger is read. */
const maxCallbackBytes = 4 * 1024

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c)

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p)}</p>`)
    .join("")

/**
 * Public pages the bot links to (knowledge articles, community posts: every URL it sends is a rich
 * link) and the redirect URI of Apple sign-in (AUTH2), which hands the code to the conversation.
 */
export const routes = (
  runtime: Runtime.Runtime<Db | ActorSystem | AppleConfig>,
  guard: CallbackGuard,
  trustedProxyHops: number
): Hono => {
  const app = new Hono()
  const run = <A>(effect: Effect.Effect<A, unknown, Db | ActorSystem | AppleConfig>) =>
    Effect.runPromise(Effect.provide(effect, runtime))
  app.use("/kb/*", pageHeaders)
  app.use("/community/*", pageHeaders)
  app.use(callbackPath, pageHeaders)

  app.get("/kb/:ref", async (c) => {
    const article = await run(findArticle(c.req.param("ref")))
    if (article === undefined) return c.html(page("Not found", "<p>No such article.</p>"), 404)
    return c.html(
      page(article.title, `<p><strong>${escapeHtml(article.summary)}</strong></p>${paragraphs(article.body)}`)
    )
  })

  app.get("/community/:ref", async (c) => {
    const post = await run(findPost(c.req.param("ref")))
    if (post === undefined) return c.html(page("Not found", "<p>No such post.</p>"), 404)
    return c.html(
      page(post.title, `<p>${escapeHtml(post.forum)} · ${escapeHtml(post.authorName)}</p>${paragraphs(post.body)}`)
    )
  })

  const invalid = (c: Context) => c.html(page("Sign-in failed", "<p>This sign-in link is not valid.</p>"), 400)

  app.post(
    callbackPath,
    bodyLimit({ maxSize: maxCallbackBytes, onError: (c) => c.html(page("Sign-in failed", "<p>Too large.</p>"), 413) }),
    async (c) => {
      const address = clientAddress(c, trustedProxyHops)
      if (!(await run(guard.allow(address)))) {
        await run(Effect.logWarning("callback: throttled").pipe(Effect.annotateLogs({ address })))
        return c.html(page("Try again later", "<p>Too many attempts.</p>"), 429, { "retry-after": "60" })
      }
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
      const code = typeof form.code === "string" && form.code.length <= 2048 ? form.code : undefined
      const state = typeof form.state === "string" ? form.state : undefined
      if (code === undefined || state === undefined) return invalid(c)
      // Only a state this deployment signed, unexpired and unused, names a conversation with a sign-in pending.
      const conversation = await run(Effect.flatMap(Clock.currentTimeMillis, (now) => SignInState.verify(state, now)))
      if (conversation === undefined || !(await run(guard.firstUse(state)))) return invalid(c)
      // Acknowledged only once durable, so the device's "signed in" reply (sent after this answer) comes after it.
      await run(
        Effect.flatMap(System, (system) =>
          system.tell(Conversation, conversation, AuthorizationCode.make({ state, code }))
        )
      )
      return c.html(page("Signed in", "<p>You can return to Messages.</p>"))
    }
  )

  // Before iOS 15 the provider's redirect carried the code in the query (docs/apple.md, "Sign-in"):
  // the same checks and hand-over as the POST, reached with the query as its form body.
  app.get(callbackPath, (c) => {
    const forwarded = new Headers(c.req.raw.headers)
    forwarded.set("content-type", "application/x-www-form-urlencoded")
    forwarded.delete("content-length")
    const query = new URL(c.req.url).searchParams
    return app.request(callbackPath, { method: "POST", headers: forwarded, body: query.toString() }, c.env)
  })

  return app
}
