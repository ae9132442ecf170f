import type { Runtime } from "effect"
import { Hono } from "hono"
import * as About from "./About.ts"
import * as Agents from "./Agents.ts"
import * as AsyncApi from "./AsyncApi.ts"
import * as Attachments from "./Attachments.ts"
import * as Cases from "./Cases.ts"
import * as Cluster from "./Cluster.ts"
import * as Customers from "./Customers.ts"
import * as Feedback from "./Feedback.ts"
import * as Interactions from "./Interactions.ts"
import * as Knowledge from "./Knowledge.ts"
import * as OpenApi from "./OpenApi.ts"
import * as Queues from "./Queues.ts"
import * as Reports from "./Reports.ts"
import type { ApiServices, Route } from "./Route.ts"
import { mount } from "./Router.ts"
import * as Session from "./Session.ts"

export type { ApiServices } from "./Route.ts"

/** Every REST route, once: the router mounts this table and `/api/openapi.json` describes it. */
export const table: ReadonlyArray<Route> = [
  ...About.routes,
  ...Session.routes,
  ...Interactions.routes,
  ...Attachments.routes,
  ...Cases.routes,
  ...Customers.routes,
  ...Queues.routes,
  ...Agents.routes,
  ...Feedback.routes,
  ...Reports.routes,
  ...Knowledge.routes,
  ...Cluster.routes,
  ...AsyncApi.routes,
  OpenApi.route(() => table)
]

/**
 * The REST API under `/api`. Every route but sign-in, knowledge search and the OpenAPI document
 * needs `Authorization: Bearer <session or API token>` and checks the caller's role and ownership
 * (the roles in README.md, "Agents, managers and the API").
 */
export const routes = (runtime: Runtime.Runtime<ApiServices>): Hono => mount(new Hono(), table, runtime)
