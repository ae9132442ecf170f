import type { CaseVisibility } from "../../db/queries/caseViews.ts"
import type { Visibility } from "../../db/queries/interactionViews.ts"
import { isAgent, isCustomer, isManager, type Principal } from "../auth/Principal.ts"
import type { Access, Audience } from "./Route.ts"

/** The audiences a principal belongs to; a manager is an agent too (README.md, "Agents, managers and the API"). */
export const audiencesOf = (principal: Principal): ReadonlyArray<Audience> => [
  ...(isCustomer(principal) ? (["customer"] as const) : []),
  ...(isAgent(principal) ? (["agent"] as const) : []),
  ...(isManager(principal) ? (["manager"] as const) : [])
]

export const allows = (access: Access, principal: Principal): boolean => {
  if (access === "public" || access === "signedIn") return true
  const mine = audiencesOf(principal)
  return access.some((a) => mine.includes(a))
}

/**
 * The interactions a caller may see: managers all, agents those assigned to them, customers those
 * opened for them. Staff rights win over a customer role held by the same user.
 */
export const interactionVisibility = (principal: Principal): Visibility => {
  if (isManager(principal)) return { kind: "all" }
  if (isAgent(principal)) return { kind: "assignedTo", agentId: principal.userId }
  return { kind: "customer", customer: principal.customer }
}

/**
 * The cases a caller may see: managers all, agents those of customers they serve or that they
 * opened, customers their own. Staff rights win over a customer role held by the same user.
 */
export const caseVisibility = (principal: Principal): CaseVisibility => {
  if (isManager(principal)) return { kind: "all" }
  if (isAgent(principal)) return { kind: "servedBy", agentId: principal.userId }
  return { kind: "customer", customer: principal.customer }
}
