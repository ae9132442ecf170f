import { and, asc, eq, inArray } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Asset, type AssetStatus, assets } from "../schema/customers.ts"
import { type CustomerRef, customerColumns, isCustomer } from "./CustomerRef.ts"
import { first, query, single } from "./internal/query.ts"

export interface NewAsset {
  readonly type: Asset["type"]
  readonly productName: string
  readonly maskedNumber: string
  readonly owner: CustomerRef
  readonly status?: AssetStatus
}

export const createAsset = (input: NewAsset): Effect.Effect<Asset, DbError, Db> =>
  query("createAsset", async (db) =>
    single(
      await db
        .insert(assets)
        .values({
          type: input.type,
          productName: input.productName,
          maskedNumber: input.maskedNumber,
          status: input.status ?? "active",
          ...customerColumns(input.owner)
        })
        .returning()
    )
  )

/**
 * The cards a customer owns, for the list picker. By default only cards that can still be
 * replaced (active or blocked); replaced cards are history.
 */
export const assetsOf = (
  customer: CustomerRef,
  statuses: ReadonlyArray<AssetStatus> = ["active", "blocked"]
): Effect.Effect<ReadonlyArray<Asset>, DbError, Db> =>
  query("assetsOf", (db) =>
    db
      .select()
      .from(assets)
      .where(and(isCustomer(assets, customer), inArray(assets.status, [...statuses])))
      .orderBy(asc(assets.type), asc(assets.productName), asc(assets.maskedNumber))
  )

export const findAsset = (id: string): Effect.Effect<Asset | undefined, DbError, Db> =>
  query("findAsset", async (db) => first(await db.select().from(assets).where(eq(assets.id, id))))

/** The asset if `customer` owns it: a customer picks from a list, but the id comes back over the wire. */
export const findAssetOf = (customer: CustomerRef, id: string): Effect.Effect<Asset | undefined, DbError, Db> =>
  query("findAssetOf", async (db) =>
    first(
      await db
        .select()
        .from(assets)
        .where(and(eq(assets.id, id), isCustomer(assets, customer)))
    )
  )

export const setAssetStatus = (id: string, status: AssetStatus): Effect.Effect<void, DbError, Db> =>
  query("setAssetStatus", async (db) => {
    await db.update(assets).set({ status, updatedAt: new Date() }).where(eq(assets.id, id))
  })
