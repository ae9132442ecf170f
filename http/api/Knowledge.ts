import { Effect, Schema } from "effect"
import { searchKnowledge } from "../../db/queries/knowledge.ts"
import { HttpConfig } from "../HttpConfig.ts"
import { Id } from "./Fields.ts"
import { publicRoute, type Route } from "./Route.ts"

const SearchQuery = Schema.Struct({
  q: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200)).annotations({ description: "words to look for" }),
  limit: Schema.optionalWith(
    Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 20)).annotations({
      description: "hits, 1–20 (default 5)"
    }),
    { default: () => 5 }
  )
})

const SearchHit = Schema.Struct({
  kind: Schema.Literal("article", "post"),
  id: Id,
  ref: Schema.String.annotations({ description: "article number or post slug" }),
  title: Schema.String,
  snippet: Schema.String,
  url: Schema.String.annotations({ description: "the public page" }),
  rank: Schema.Number
}).annotations({ identifier: "SearchHit" })

const SearchResult = Schema.Struct({ items: Schema.Array(SearchHit) }).annotations({ identifier: "SearchResult" })

/**
 * Public like the pages it points to: the bot sends the same articles and posts to anyone who
 * asks, so a token would protect nothing.
 */
export const routes: ReadonlyArray<Route> = [
  publicRoute({
    method: "get",
    path: "/knowledge",
    tag: "knowledge",
    summary: "Full-text search over knowledge articles and community posts (no sign-in needed)",
    query: SearchQuery,
    response: SearchResult,
    handler: ({ query }) =>
      Effect.gen(function* () {
        const { publicUrl } = yield* HttpConfig
        const hits = yield* searchKnowledge(query.q, query.limit)
        return {
          items: hits.map((h) => ({
            ...h,
            url: `${publicUrl}/${h.kind === "article" ? "kb" : "community"}/${encodeURIComponent(h.ref)}`
          }))
        }
      })
  })
]
