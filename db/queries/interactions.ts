import { and, asc, desc, eq, gte, inArray, lt, notInArray, type SQL, sql } from "drizzle-orm"
import type { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { type Interaction, type InteractionState, interactions } from "../schema/interactions.ts"
import { type CustomerRef, customerColumns, isCustomer } from "./CustomerRef.ts"
import { first, query, single } from "./internal/query.ts"

export const closedStates: ReadonlyArray<InteractionState> = ["closed_complete", "closed_abandoned"]

/** Apple's view of the customer at the start of the chat (from the first message's headers and body). */
export interface AppleContext {
  readonly businessId: string
  readonly opaqueId: string
  readonly intent?: string
  readonly group?: string
  readonly locale?: string
  readonly capabilities?: ReadonlyArray<string>
  readonly deviceAgent?: string
}

export interface OpenInteraction extends AppleContext {
  readonly conversationId: string
  readonly customer?: CustomerRef
  readonly topic?: string
  readonly reason?: string
  readonly queueId?: string
  /** The interaction this one follows up (a call-back). */
  readonly parentId?: string
}

/** Opens a `messaging`/`apple` interaction in state `new`; its number comes from the sequence. */
export const openInteraction = (input: OpenInteraction): Effect.Effect<Interaction, DbError, Db> =>
  query("openInteraction", async (db) =>
    single(
      await db
        .insert(interactions)
        .values({
          conversationId: input.conversationId,
          businessId: input.businessId,
          opaqueId: input.opaqueId,
          intent: input.intent ?? null,
          group: input.group ?? null,
          locale: input.locale ?? null,
          capabilities: [...(input.capabilities ?? [])],
          deviceAgent: input.deviceAgent ?? null,
          topic: input.topic ?? null,
          reason: input.reason ?? null,
          queueId: input.queueId ?? null,
          parentId: input.parentId ?? null,
          ...(input.customer === undefined ? {} : customerColumns(input.customer))
        })
        .returning()
    )
  )

export const findInteraction = (id: string): Effect.Effect<Interaction | undefined, DbError, Db> =>
  query("findInteraction", async (db) => first(await db.select().from(interactions).where(eq(interactions.id, id))))

export const findInteractionByNumber = (number: string): Effect.Effect<Interaction | undefined, DbError, Db> =>
  query("findInteractionByNumber", async (db) =>
    first(await db.select().from(interactions).where(eq(interactions.number, number)))
  )

/** The conversation's interaction that is still open, if any (an actor re-activating after passivation). */
export const openInteractionOf = (conversationId: string): Effect.Effect<Interaction | undefined, DbError, Db> =>
  query("openInteractionOf", async (db) =>
    first(
      await db
        .select()
        .from(interactions)
        .where(and(eq(interactions.conversationId, conversationId), notInArray(interactions.state, [...closedStates])))
        .orderBy(desc(interactions.openedAt))
        .limit(1)
    )
  )

export type InteractionChanges = Partial<
  Pick<
    Interaction,
    | "state"
    | "assignedTo"
    | "queueId"
    | "topic"
    | "botIntent"
    | "botOutcome"
    | "reason"
    | "intent"
    | "group"
    | "locale"
    | "deviceAgent"
  >
> & { readonly capabilities?: ReadonlyArray<string>; readonly customer?: CustomerRef }

/**
 * Applies changes; moving into a closed state stamps `closedAt` (keeping the first stamp, so a
 * chat the agent closed and the feedback later finished keeps the agent's close time), reopening
 * clears it.
 */
export const updateInteraction = (
  id: string,
  changes: InteractionChanges
): Effect.Effect<Interaction | undefined, DbError, Db> =>
  query("updateInteraction", async (db) => {
    const { customer, capabilities, ...rest } = changes
    const now = new Date()
    const closing =
      rest.state === undefined
        ? {}
        : {
            closedAt: closedStates.includes(rest.state)
              ? sql`coalesce(${interactions.closedAt}, ${now.toISOString()}::timestamptz)`
              : null
          }
    return first(
      await db
        .update(interactions)
        .set({
          ...rest,
          ...closing,
          ...(capabilities === undefined ? {} : { capabilities: [...capabilities] }),
          ...(customer === undefined ? {} : customerColumns(customer)),
          updatedAt: now
        })
        .where(eq(interactions.id, id))
        .returning()
    )
  })

/** An agent took the chat: assigned and in progress. */
export const assignInteraction = (id: string, agentId: string): Effect.Effect<Interaction | undefined, DbError, Db> =>
  updateInteraction(id, { assignedTo: agentId, state: "work_in_progress" })

/** Closes; a bot topic that the bot did not resolve and no person took was abandoned. */
export const closeInteraction = (
  id: string,
  state: "closed_complete" | "closed_abandoned"
): Effect.Effect<Interaction | undefined, DbError, Db> =>
  query("closeInteraction", async (db) => {
    const now = new Date()
    return first(
      await db
        .update(interactions)
        .set({
          state,
          closedAt: sql`coalesce(${interactions.closedAt}, ${now.toISOString()}::timestamptz)`,
          botOutcome: sql`coalesce(${interactions.botOutcome}, case when ${interactions.topic} is not null then 'abandoned'::bot_outcome end)`,
          updatedAt: now
        })
        .where(eq(interactions.id, id))
        .returning()
    )
  })

export interface InteractionFilter {
  readonly states?: ReadonlyArray<InteractionState>
  readonly queueId?: string
  readonly assignedTo?: string
  readonly customer?: CustomerRef
  readonly conversationId?: string
  readonly openedFrom?: Date
  readonly openedBefore?: Date
  readonly limit?: number
  readonly offset?: number
}

/** Newest first; every filter maps to an index (state, queue, assignee, customer, conversation, time). */
export const listInteractions = (
  filter: InteractionFilter = {}
): Effect.Effect<ReadonlyArray<Interaction>, DbError, Db> =>
  query("listInteractions", (db) => {
    const conditions: Array<SQL | undefined> = [
      filter.states === undefined ? undefined : inArray(interactions.state, [...filter.states]),
      filter.queueId === undefined ? undefined : eq(interactions.queueId, filter.queueId),
      filter.assignedTo === undefined ? undefined : eq(interactions.assignedTo, filter.assignedTo),
      filter.customer === undefined ? undefined : isCustomer(interactions, filter.customer),
      filter.conversationId === undefined ? undefined : eq(interactions.conversationId, filter.conversationId),
      filter.openedFrom === undefined ? undefined : gte(interactions.openedAt, filter.openedFrom),
      filter.openedBefore === undefined ? undefined : lt(interactions.openedAt, filter.openedBefore)
    ]
    return db
      .select()
      .from(interactions)
      .where(and(...conditions))
      .orderBy(desc(interactions.openedAt), desc(interactions.number))
      .limit(Math.min(filter.limit ?? 50, 500))
      .offset(filter.offset ?? 0)
  })

/** Follow-ups (call-backs) opened from an interaction, oldest first. */
export const followUpsOf = (parentId: string): Effect.Effect<ReadonlyArray<Interaction>, DbError, Db> =>
  query("followUpsOf", (db) =>
    db.select().from(interactions).where(eq(interactions.parentId, parentId)).orderBy(asc(interactions.openedAt))
  )
