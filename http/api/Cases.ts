import { Effect, Schema } from "effect"
import { findAssetOf } from "../../db/queries/assets.ts"
import { audit } from "../../db/queries/audit.ts"
import { type CustomerRef, customerOf, sameCustomer } from "../../db/queries/CustomerRef.ts"
import { createCase, updateCase } from "../../db/queries/cases.ts"
import { findVisibleCase, listCases } from "../../db/queries/caseViews.ts"
import { findCustomer } from "../../db/queries/customers.ts"
import { findInteractionView } from "../../db/queries/interactionViews.ts"
import { inTransaction } from "../../db/queries/internal/query.ts"
import { Forbidden } from "../auth/AuthError.ts"
import { isAgent, type Principal } from "../auth/Principal.ts"
import { caseVisibility, interactionVisibility } from "./Access.ts"
import { Conflict, InvalidRequest, NotFound } from "./ApiFailure.ts"
import { Customer, Id, IdParams, Limit, Offset } from "./Fields.ts"
import { CaseRecord, CaseState, caseRecord, Priority } from "./Records.ts"
import { type Route, route } from "./Route.ts"

const NewCaseBody = Schema.Struct({
  shortDescription: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(160)),
  description: Schema.optional(Schema.String.pipe(Schema.maxLength(4000))),
  priority: Schema.optional(Priority),
  customer: Schema.optional(Customer).annotations({
    description: "required for agents and managers; customers open cases only for themselves"
  }),
  interactionId: Schema.optional(Id),
  assetId: Schema.optional(Id)
}).annotations({ identifier: "NewCase" })

const CaseChange = Schema.Struct({
  state: Schema.optional(CaseState),
  priority: Schema.optional(Priority)
})
  .pipe(Schema.filter((c) => c.state !== undefined || c.priority !== undefined || "give state, priority or both"))
  .annotations({ identifier: "CaseChange" })

const ListQuery = Schema.Struct({
  state: Schema.optional(CaseState),
  customer: Schema.optional(Id.annotations({ description: "contact or consumer id (agents and managers)" })),
  limit: Limit,
  offset: Offset
})

const CasePage = Schema.Struct({
  items: Schema.Array(CaseRecord),
  nextOffset: Schema.optional(Schema.Int).annotations({ description: "absent on the last page" })
}).annotations({ identifier: "CasePage" })

const tag = "cases"

/** The customer a new case is for: a customer themselves, or the one staff name. */
const customerFor = (
  principal: Principal,
  named: CustomerRef | undefined
): Effect.Effect<CustomerRef, Forbidden | InvalidRequest> =>
  Effect.gen(function* () {
    if (!isAgent(principal)) {
      if (principal.customer === undefined) return yield* new Forbidden({ reason: "your account acts for no customer" })
      if (named !== undefined && !sameCustomer(named, principal.customer))
        return yield* new Forbidden({ reason: "customers open cases only for themselves" })
      return principal.customer
    }
    if (named === undefined) return yield* new InvalidRequest({ message: "body: customer is required for staff" })
    return named
  })

/**
 * A case the caller may see (`caseVisibility`). One the caller may not see is 404, exactly as a case
 * that does not exist, never 403: a probing agent or customer learns nothing about which ids exist.
 */
const visibleCase = (principal: Principal, id: string) =>
  Effect.flatMap(findVisibleCase(id, caseVisibility(principal)), (found) =>
    found === undefined ? Effect.fail(new NotFound({ entity: "case" })) : Effect.succeed(found)
  )

export const routes: ReadonlyArray<Route> = [
  route({
    method: "post",
    path: "/cases",
    tag,
    access: ["customer", "agent"],
    summary: "Open a case: customers for themselves, agents and managers for a named customer",
    status: 201,
    errors: ["not_found", "conflict"],
    body: NewCaseBody,
    response: CaseRecord,
    handler: ({ principal, body }) =>
      Effect.gen(function* () {
        const customer = yield* customerFor(principal, body.customer)
        if (isAgent(principal) && (yield* findCustomer(customer)) === undefined)
          return yield* new NotFound({ entity: "customer" })
        if (body.interactionId !== undefined) {
          const interaction = yield* findInteractionView(body.interactionId, interactionVisibility(principal))
          if (interaction === undefined) return yield* new NotFound({ entity: "interaction" })
          const of = customerOf(interaction)
          if (of !== undefined && !sameCustomer(of, customer))
            return yield* new Conflict({ message: "the interaction belongs to another customer" })
        }
        if (body.assetId !== undefined && (yield* findAssetOf(customer, body.assetId)) === undefined)
          return yield* new NotFound({ entity: "asset" })
        const created = yield* inTransaction(
          Effect.gen(function* () {
            const kase = yield* createCase({
              customer,
              shortDescription: body.shortDescription,
              ...(body.description === undefined ? {} : { description: body.description }),
              ...(body.priority === undefined ? {} : { priority: body.priority }),
              ...(body.interactionId === undefined ? {} : { interactionId: body.interactionId }),
              ...(body.assetId === undefined ? {} : { assetId: body.assetId }),
              ...(isAgent(principal) ? { openedBy: principal.userId } : {})
            })
            yield* audit({
              actorUserId: principal.userId,
              action: "case.create",
              entity: "case",
              entityId: kase.id,
              details: { number: kase.number, customer, interactionId: kase.interactionId, priority: kase.priority }
            })
            return kase
          })
        )
        return caseRecord(created)
      })
  }),
  route({
    method: "get",
    path: "/cases",
    tag,
    access: ["customer", "agent"],
    summary:
      "Cases newest first: customers their own, agents those of customers they serve (a chat of the customer is or was theirs) or that they opened, managers all (filter by state, customer)",
    query: ListQuery,
    response: CasePage,
    handler: ({ principal, query }) =>
      Effect.gen(function* () {
        const page = yield* listCases(caseVisibility(principal), {
          ...(query.state === undefined ? {} : { state: query.state }),
          ...(query.customer === undefined ? {} : { customerId: query.customer }),
          limit: query.limit,
          offset: query.offset
        })
        return {
          items: page.items.map(caseRecord),
          ...(page.more ? { nextOffset: query.offset + query.limit } : {})
        }
      })
  }),
  route({
    method: "get",
    path: "/cases/:id",
    tag,
    access: ["customer", "agent"],
    summary: "One case the caller may see (as for the list); 404 for any other, so existence does not leak",
    errors: ["not_found"],
    params: IdParams,
    response: CaseRecord,
    handler: ({ principal, params }) => Effect.map(visibleCase(principal, params.id), caseRecord)
  }),
  route({
    method: "patch",
    path: "/cases/:id",
    tag,
    access: ["agent"],
    summary: "Change a case's state or priority (agents: cases they may see, 404 otherwise; managers: any); audited",
    errors: ["not_found"],
    params: IdParams,
    body: CaseChange,
    response: CaseRecord,
    handler: ({ principal, params, body }) =>
      inTransaction(
        Effect.gen(function* () {
          const before = yield* visibleCase(principal, params.id)
          const changes = {
            ...(body.state === undefined ? {} : { state: body.state }),
            ...(body.priority === undefined ? {} : { priority: body.priority })
          }
          const after = yield* updateCase(before.id, changes)
          if (after === undefined) return yield* new NotFound({ entity: "case" })
          yield* audit({
            actorUserId: principal.userId,
            action: "case.update",
            entity: "case",
            entityId: after.id,
            details: { number: after.number, from: { state: before.state, priority: before.priority }, to: changes }
          })
          return caseRecord(after)
        })
      )
  })
]
