import { desc, eq, type SQL, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type CommunityPost, communityPosts, type KnowledgeArticle, knowledgeArticles } from "../schema/knowledge.ts"
import { first, query, single } from "./internal/query.ts"

export interface SearchHit {
  readonly kind: "article" | "post"
  readonly id: string
  /** Stable handle for links: the article number (`KB0010001`) or the post's slug. */
  readonly ref: string
  readonly title: string
  /** A passage around the matched words (`ts_headline`), plain text. */
  readonly snippet: string
  readonly rank: number
}

/**
 * Curated articles outrank a community post that matches as well: the post's rank is scaled down
 * by this factor before the two lists are merged.
 */
const communityWeight = 0.9

/** `ts_headline` options: one short passage, no markup (it goes into a chat bubble or a rich link). */
const headline = 'MaxFragments=1, MaxWords=28, MinWords=12, ShortWord=3, StartSel="", StopSel=""'

/**
 * `websearch_to_tsquery` ANDs the words, so "home refinance options" would miss an article that never
 * says "options". Rows matching any word are found; rows matching all of them rank first. A query with
 * a negation (`-word`) keeps its AND meaning, where OR would match nearly everything.
 */
const tsQueries = (text: string): { readonly all: SQL; readonly any: SQL } => {
  const all = sql`websearch_to_tsquery('english', ${text})`
  const any = sql`(case when strpos(${all}::text, '!') > 0 then ${all} else replace(${all}::text, ' & ', ' | ')::tsquery end)`
  return { all, any }
}

/** Ranked full-text search over knowledge articles and community posts together. */
export const searchKnowledge = (text: string, limit = 5): Effect.Effect<ReadonlyArray<SearchHit>, DbError, Db> =>
  query("searchKnowledge", async (db) => {
    if (text.trim() === "" || limit <= 0) return []
    const { all, any } = tsQueries(text)
    // Length normalisation 1 (divide by 1 + log length), so a long post does not win on word count alone.
    const rankOf = (vector: SQL) => sql<number>`ts_rank(${vector}, ${any}, 1)`.mapWith(Number)
    const articles = await db
      .select({
        id: knowledgeArticles.id,
        ref: knowledgeArticles.number,
        title: knowledgeArticles.title,
        snippet: sql<string>`ts_headline('english', ${knowledgeArticles.summary} || ' ' || ${knowledgeArticles.body}, ${any}, ${headline})`,
        rank: rankOf(sql`${knowledgeArticles.searchVector}`),
        complete: sql<boolean>`${knowledgeArticles.searchVector} @@ ${all}`
      })
      .from(knowledgeArticles)
      .where(sql`${knowledgeArticles.searchVector} @@ ${any}`)
      .orderBy(
        desc(sql`${knowledgeArticles.searchVector} @@ ${all}`),
        desc(rankOf(sql`${knowledgeArticles.searchVector}`))
      )
      .limit(limit)
    const posts = await db
      .select({
        id: communityPosts.id,
        ref: communityPosts.slug,
        title: communityPosts.title,
        snippet: sql<string>`ts_headline('english', ${communityPosts.body}, ${any}, ${headline})`,
        rank: rankOf(sql`${communityPosts.searchVector}`),
        complete: sql<boolean>`${communityPosts.searchVector} @@ ${all}`
      })
      .from(communityPosts)
      .where(sql`${communityPosts.searchVector} @@ ${any}`)
      .orderBy(desc(sql`${communityPosts.searchVector} @@ ${all}`), desc(rankOf(sql`${communityPosts.searchVector}`)))
      .limit(limit)
    const hits = [
      ...articles.map((a) => ({ ...a, kind: "article" as const })),
      ...posts.map((p) => ({ ...p, kind: "post" as const, rank: p.rank * communityWeight }))
    ]
    hits.sort((a, b) => Number(b.complete) - Number(a.complete) || b.rank - a.rank)
    return hits.slice(0, limit).map(({ complete: _complete, ...hit }) => hit)
  })

export type NewArticle = Pick<KnowledgeArticle, "number" | "title" | "summary" | "body" | "category">
export type NewPost = Pick<CommunityPost, "slug" | "title" | "body" | "forum" | "authorName"> &
  Partial<Pick<CommunityPost, "helpfulCount" | "acceptedAnswer">>

export const createArticle = (input: NewArticle): Effect.Effect<KnowledgeArticle, DbError, Db> =>
  query("createArticle", async (db) => single(await db.insert(knowledgeArticles).values(input).returning()))

export const createPost = (input: NewPost): Effect.Effect<CommunityPost, DbError, Db> =>
  query("createPost", async (db) => single(await db.insert(communityPosts).values(input).returning()))

export const findArticle = (numberOrId: string): Effect.Effect<KnowledgeArticle | undefined, DbError, Db> =>
  query("findArticle", async (db) =>
    first(
      await db
        .select()
        .from(knowledgeArticles)
        .where(isUuid(numberOrId) ? eq(knowledgeArticles.id, numberOrId) : eq(knowledgeArticles.number, numberOrId))
    )
  )

export const findPost = (slugOrId: string): Effect.Effect<CommunityPost | undefined, DbError, Db> =>
  query("findPost", async (db) =>
    first(
      await db
        .select()
        .from(communityPosts)
        .where(isUuid(slugOrId) ? eq(communityPosts.id, slugOrId) : eq(communityPosts.slug, slugOrId))
    )
  )

const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)
