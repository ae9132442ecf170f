import { Effect, Option, Schema } from "effect"
import { demoCustomers } from "../../db/seed/customers.ts"
import { demoUsers } from "../../db/seed/staff.ts"
import { Site } from "../Site.ts"
import { publicRoute, type Route } from "./Route.ts"

const DemoIdentity = Schema.Struct({
  name: Schema.String,
  /** Sign-in name; absent for a customer who only chats on the device. */
  login: Schema.optional(Schema.String),
  role: Schema.String,
  /** The customer's Apple opaque id on the simulated device. */
  opaqueId: Schema.optional(Schema.String)
})

const About = Schema.Struct({
  product: Schema.Literal("Parley"),
  demo: Schema.Boolean,
  /** Demo mode only: the simulated Apple device's origin, the demo password and who to sign in as. */
  simulatorUrl: Schema.optional(Schema.String),
  demoPassword: Schema.optional(Schema.String),
  identities: Schema.optional(Schema.Array(DemoIdentity))
})

const identities = (): ReadonlyArray<typeof DemoIdentity.Type> => [
  ...demoUsers.map((user) => ({ name: user.displayName, login: user.login, role: user.roles.join(", ") })),
  ...demoCustomers
    .filter((customer) => customer.opaqueId !== undefined)
    .map((customer) => ({
      name: `${customer.firstName} ${customer.lastName}`,
      role: "customer on the device",
      ...(customer.opaqueId === undefined ? {} : { opaqueId: customer.opaqueId })
    }))
]

/** `GET /api/about`: what this deployment is, for the front page and the sign-in pages. */
export const routes: ReadonlyArray<Route> = [
  publicRoute({
    method: "get",
    path: "/about",
    tag: "About",
    summary: "What this deployment is; in demo mode also the demo identities, their password and the simulator",
    response: About,
    handler: () =>
      Effect.map(Site, (site) =>
        Option.match(site.demo, {
          onNone: () => ({ product: "Parley" as const, demo: false }),
          onSome: (demo) => ({
            product: "Parley" as const,
            demo: true,
            simulatorUrl: demo.simulatorUrl,
            demoPassword: demo.password,
            identities: identities()
          })
        })
      )
  })
]
