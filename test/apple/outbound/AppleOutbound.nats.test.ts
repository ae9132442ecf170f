import { describe } from "@effect/vitest"
import { Redacted } from "effect"
import * as PostgresDb from "../../../db/PostgresDb.ts"
import * as NatsBus from "../../../runtime/NatsBus.ts"
import { databaseUrl, natsUrl } from "../../support/TestEnv.ts"
import { outboundSuite } from "./OutboundSuite.ts"

describe("Apple sender on NATS JetStream and PostgreSQL, against the simulator", () => {
  outboundSuite({
    label: "nats",
    bus: () => NatsBus.layer({ servers: [natsUrl()], name: "apple-outbound-test" }),
    db: () => PostgresDb.layer(Redacted.make(databaseUrl()), 10)
  })
})
