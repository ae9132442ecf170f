import { and, asc, desc, eq } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import {
  type CatalogItem,
  type CatalogRequest,
  type CatalogRequestState,
  catalogItems,
  catalogRequests
} from "../schema/catalog.ts"
import { type CustomerRef, customerColumns, isCustomer } from "./CustomerRef.ts"
import { first, query, single } from "./internal/query.ts"

export type NewCatalogItem = Pick<CatalogItem, "slug" | "name" | "description" | "category"> &
  Partial<Pick<CatalogItem, "price" | "currency" | "options" | "active">>

export const createCatalogItem = (input: NewCatalogItem): Effect.Effect<CatalogItem, DbError, Db> =>
  query("createCatalogItem", async (db) => single(await db.insert(catalogItems).values(input).returning()))

/** Active items, by category then name; `category` narrows. */
export const listCatalogItems = (category?: string): Effect.Effect<ReadonlyArray<CatalogItem>, DbError, Db> =>
  query("listCatalogItems", (db) =>
    db
      .select()
      .from(catalogItems)
      .where(
        and(eq(catalogItems.active, true), category === undefined ? undefined : eq(catalogItems.category, category))
      )
      .orderBy(asc(catalogItems.category), asc(catalogItems.name))
  )

export const findCatalogItem = (slug: string): Effect.Effect<CatalogItem | undefined, DbError, Db> =>
  query("findCatalogItem", async (db) => first(await db.select().from(catalogItems).where(eq(catalogItems.slug, slug))))

export interface NewCatalogRequest {
  readonly itemId: string
  readonly quantity?: number
  readonly details?: Readonly<Record<string, string>>
  readonly requestedFor: CustomerRef
  readonly interactionId?: string
}

export const createCatalogRequest = (input: NewCatalogRequest): Effect.Effect<CatalogRequest, DbError, Db> =>
  query("createCatalogRequest", async (db) =>
    single(
      await db
        .insert(catalogRequests)
        .values({
          itemId: input.itemId,
          quantity: input.quantity ?? 1,
          details: input.details ?? {},
          interactionId: input.interactionId ?? null,
          ...customerColumns(input.requestedFor)
        })
        .returning()
    )
  )

export interface RequestWithItem extends CatalogRequest {
  readonly itemName: string
}

/** A customer's requests, newest first, with the item's name. */
export const requestsOf = (customer: CustomerRef): Effect.Effect<ReadonlyArray<RequestWithItem>, DbError, Db> =>
  query("requestsOf", async (db) => {
    const rows = await db
      .select({ request: catalogRequests, itemName: catalogItems.name })
      .from(catalogRequests)
      .innerJoin(catalogItems, eq(catalogItems.id, catalogRequests.itemId))
      .where(isCustomer(catalogRequests, customer))
      .orderBy(desc(catalogRequests.createdAt), desc(catalogRequests.number))
    return rows.map((r) => ({ ...r.request, itemName: r.itemName }))
  })

export const setRequestState = (id: string, state: CatalogRequestState): Effect.Effect<void, DbError, Db> =>
  query("setRequestState", async (db) => {
    await db.update(catalogRequests).set({ state, updatedAt: new Date() }).where(eq(catalogRequests.id, id))
  })
