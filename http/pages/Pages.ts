import { Effect, type Runtime } from "effect"
import { Hono } from "hono"
import { AuthorizationCode, Conversation } from "../../actors/conversation/ConversationProtocol.ts"
import { callbackPath, conversationOfNonce } from "../../actors/conversation/Identification.ts"
import type { Db } from "../../db/Db.ts"
import { findArticle, findPost } from "../../db/queries/knowledge.ts"
import type { ActorSystem } from "../../runtime/ActorSystem.ts"
import { ActorSystem as System } from "../../runtime/ActorSystem.ts"

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
export const routes = (runtime: Runtime.Runtime<Db | ActorSystem>): Hono => {
  const app = new Hono()
  const run = <A>(effect: Effect.Effect<A, unknown, Db | ActorSystem>) =>
    Effect.runPromise(Effect.provide(effect, runtime))

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

  app.post(callbackPath, async (c) => {
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const code = typeof form.code === "string" ? form.code : undefined
    const state = typeof form.state === "string" ? form.state : undefined
    const conversation = state === undefined ? undefined : conversationOfNonce(state)
    if (code === undefined || state === undefined || conversation === undefined)
      return c.html(page("Sign-in failed", "<p>This sign-in link is not valid.</p>"), 400)
    // Acknowledged only once durable, so the device's "signed in" reply (sent after this answer) comes after it.
    await run(
      Effect.flatMap(System, (system) =>
        system.tell(Conversation, conversation, AuthorizationCode.make({ state, code }))
      )
    )
    return c.html(page("Signed in", "<p>You can return to Messages.</p>"))
  })

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
