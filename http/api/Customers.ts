import { Effect, Schema } from "effect"
import { findCustomer, findCustomerByEmail } from "../../db/queries/customers.ts"
import { NotFound } from "./ApiFailure.ts"
import { Customer } from "./Fields.ts"
import { type Route, route } from "./Route.ts"

const CustomerMatch = Schema.Struct({
  customer: Customer,
  name: Schema.String,
  email: Schema.NullOr(Schema.String),
  account: Schema.NullOr(Schema.String).annotations({ description: "the contact's account name; null for a consumer" })
}).annotations({ identifier: "CustomerMatch" })

export const routes: ReadonlyArray<Route> = [
  route({
    method: "get",
    path: "/customers/lookup",
    tag: "customers",
    access: ["agent"],
    summary: "The contact or consumer with this email, for linking a chat's customer (agents and managers)",
    errors: ["not_found"],
    query: Schema.Struct({ email: Schema.String.pipe(Schema.minLength(3), Schema.maxLength(320)) }),
    response: CustomerMatch,
    handler: ({ query }) =>
      Effect.gen(function* () {
        const ref = yield* findCustomerByEmail(query.email)
        const found = ref === undefined ? undefined : yield* findCustomer(ref)
        if (found === undefined) return yield* new NotFound({ entity: "customer with that email" })
        return {
          customer: found.ref,
          name: `${found.firstName} ${found.lastName}`,
          email: found.email,
          account: found.account?.name ?? null
        }
      })
  })
]
