import { and, desc, eq, inArray } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Case, type CaseState, cases } from "../schema/cases.ts"
import { type CustomerRef, customerColumns, isCustomer } from "./CustomerRef.ts"
import { first, query, single } from "./internal/query.ts"

export const openCaseStates: ReadonlyArray<CaseState> = ["new", "open"]

export interface NewCase {
  readonly customer: CustomerRef
  readonly shortDescription: string
  readonly description?: string
  readonly priority?: 1 | 2 | 3 | 4
  readonly assetId?: string
  readonly interactionId?: string
  /** The agent who opened it; absent when the customer or the virtual agent did. */
  readonly openedBy?: string
}

export const createCase = (input: NewCase): Effect.Effect<Case, DbError, Db> =>
  query("createCase", async (db) =>
    single(
      await db
        .insert(cases)
        .values({
          ...customerColumns(input.customer),
          shortDescription: input.shortDescription,
          description: input.description ?? "",
          priority: input.priority ?? 4,
          assetId: input.assetId ?? null,
          interactionId: input.interactionId ?? null,
          openedBy: input.openedBy ?? null
        })
        .returning()
    )
  )

export const findCase = (id: string): Effect.Effect<Case | undefined, DbError, Db> =>
  query("findCase", async (db) => first(await db.select().from(cases).where(eq(cases.id, id))))

export const findCaseByNumber = (number: string): Effect.Effect<Case | undefined, DbError, Db> =>
  query("findCaseByNumber", async (db) => first(await db.select().from(cases).where(eq(cases.number, number))))

/** A customer's cases, newest first; `states` narrows (a customer sees only their own). */
export const casesOf = (
  customer: CustomerRef,
  states?: ReadonlyArray<CaseState>
): Effect.Effect<ReadonlyArray<Case>, DbError, Db> =>
  query("casesOf", (db) =>
    db
      .select()
      .from(cases)
      .where(and(isCustomer(cases, customer), states === undefined ? undefined : inArray(cases.state, [...states])))
      .orderBy(desc(cases.openedAt), desc(cases.number))
  )

export const openCasesOf = (customer: CustomerRef): Effect.Effect<ReadonlyArray<Case>, DbError, Db> =>
  casesOf(customer, openCaseStates)

export const casesOfInteraction = (interactionId: string): Effect.Effect<ReadonlyArray<Case>, DbError, Db> =>
  query("casesOfInteraction", (db) =>
    db.select().from(cases).where(eq(cases.interactionId, interactionId)).orderBy(desc(cases.openedAt))
  )

export const updateCase = (
  id: string,
  changes: Partial<Pick<Case, "state" | "priority" | "shortDescription" | "description">>
): Effect.Effect<Case | undefined, DbError, Db> =>
  query("updateCase", async (db) =>
    first(
      await db
        .update(cases)
        .set({ ...changes, updatedAt: new Date() })
        .where(eq(cases.id, id))
        .returning()
    )
  )
