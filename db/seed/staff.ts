import type { RoutingConditions } from "../schema/queues.ts"
import type { RoleName } from "../schema/users.ts"

/**
 * Demo users. Every one signs in with the demo password (`PARLEY_DEMO_PASSWORD`, default
 * `parley-demo`): demo data only, never a real secret.
 */
export interface DemoUser {
  readonly login: string
  readonly displayName: string
  readonly email: string
  readonly roles: ReadonlyArray<RoleName>
  /** Agents: skill names and Apple chat capacity. */
  readonly skills?: ReadonlyArray<string>
  readonly capacity?: number
  /** Portal users: the demo customer (by e-mail) they act as. */
  readonly customerEmail?: string
}

export const demoPasswordDefault = "parley-demo"

export const demoUsers: ReadonlyArray<DemoUser> = [
  {
    login: "ava.agent",
    displayName: "Ava Thompson",
    email: "ava.thompson@parley.example",
    roles: ["agent_workspace_user"],
    skills: ["general", "cards", "disputes"],
    capacity: 3
  },
  {
    login: "leo.agent",
    displayName: "Leo Martinez",
    email: "leo.martinez@parley.example",
    roles: ["agent_workspace_user"],
    skills: ["general", "cards"],
    capacity: 3
  },
  {
    login: "mia.mortgage",
    displayName: "Mia Chen",
    email: "mia.chen@parley.example",
    roles: ["agent_workspace_user"],
    skills: ["general", "mortgage"],
    capacity: 2
  },
  {
    login: "sam.manager",
    displayName: "Sam Rivera",
    email: "sam.rivera@parley.example",
    roles: ["sn_customerservice_manager", "agent_workspace_user"],
    skills: ["general", "cards", "mortgage", "disputes"],
    capacity: 1
  },
  {
    login: "jane.doe",
    displayName: "Jane Doe",
    email: "jane.doe@example.com",
    roles: ["sn_customerservice.customer"],
    customerEmail: "jane.doe@example.com"
  },
  {
    login: "tom.becker",
    displayName: "Tom Becker",
    email: "tom.becker@example.com",
    roles: ["sn_customerservice.customer"],
    customerEmail: "tom.becker@example.com"
  },
  {
    login: "raj.patel",
    displayName: "Raj Patel",
    email: "raj.patel@example.com",
    roles: ["sn_customerservice.consumer"],
    customerEmail: "raj.patel@example.com"
  }
]

export const demoSkills: ReadonlyArray<{ readonly name: string; readonly description: string }> = [
  { name: "general", description: "Everyday banking questions" },
  { name: "cards", description: "Card replacement, locks, limits and travel notices" },
  { name: "disputes", description: "Transaction disputes and fraud reports" },
  { name: "mortgage", description: "Mortgages, rates and home refinancing" }
]

export interface DemoQueue {
  readonly name: string
  readonly description: string
  readonly routingOrder: number
  readonly routingConditions: RoutingConditions
  readonly assignmentRule: "most_capacity" | "last_assigned"
  readonly acceptTimeoutSeconds: number
  readonly maxWaitSeconds?: number
  readonly overflowQueue?: string
}

/** Listed so that overflow targets come before the queues that point at them. */
export const demoQueues: ReadonlyArray<DemoQueue> = [
  {
    name: "apple_default",
    description: "Every Apple Messages for Business chat no other queue takes",
    routingOrder: 100,
    routingConditions: {},
    assignmentRule: "most_capacity",
    acceptTimeoutSeconds: 60
  },
  {
    name: "cards",
    description: "Lost, stolen and damaged cards, limits, disputes",
    routingOrder: 10,
    routingConditions: {
      intents: ["card", "card_replacement", "dispute"],
      topics: ["card_replacement"],
      requiredSkills: ["cards"]
    },
    assignmentRule: "most_capacity",
    acceptTimeoutSeconds: 60,
    maxWaitSeconds: 300,
    overflowQueue: "apple_default"
  },
  {
    name: "mortgage_specialists",
    description: "Mortgage and home refinance call-backs and chats",
    routingOrder: 20,
    routingConditions: { intents: ["mortgage", "refinance"], requiredSkills: ["mortgage"] },
    assignmentRule: "last_assigned",
    acceptTimeoutSeconds: 120,
    maxWaitSeconds: 900,
    overflowQueue: "apple_default"
  }
]
