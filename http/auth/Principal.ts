import { Schema } from "effect"
import { CustomerRef, customerOf } from "../../db/queries/CustomerRef.ts"
import type { UserWithRoles } from "../../db/queries/users.ts"

/** ServiceNow's role names (README.md, "Agents, managers and the API"), as carried in session tokens. */
export const Role = Schema.Literal(
  "sn_customerservice.consumer",
  "sn_customerservice.customer",
  "agent_workspace_user",
  "sn_customerservice_manager"
)
export type Role = typeof Role.Type

/**
 * Who is calling: what every REST route and WebSocket command checks. Portal users (consumers and
 * customer contacts) carry the customer they act as, so ownership checks need no lookup.
 */
export const Principal = Schema.Struct({
  userId: Schema.UUID,
  login: Schema.String,
  displayName: Schema.String,
  roles: Schema.Array(Role),
  customer: Schema.optional(CustomerRef)
})
export type Principal = typeof Principal.Type

export const fromUser = (user: UserWithRoles): Principal => {
  const customer = customerOf(user)
  return {
    userId: user.id,
    login: user.login,
    displayName: user.displayName,
    roles: user.roles,
    ...(customer === undefined ? {} : { customer })
  }
}

export const isManager = (p: Principal): boolean => p.roles.includes("sn_customerservice_manager")

/** Managers may do everything an agent may (README.md, "Agents, managers and the API"). */
export const isAgent = (p: Principal): boolean => isManager(p) || p.roles.includes("agent_workspace_user")

export const isCustomer = (p: Principal): boolean =>
  p.roles.includes("sn_customerservice.consumer") || p.roles.includes("sn_customerservice.customer")
