import { describe } from "@effect/vitest"
import { Layer, Redacted } from "effect"
import * as PostgresDb from "../../db/PostgresDb.ts"
import * as NatsBus from "../../runtime/NatsBus.ts"
import { removeOnClose } from "../support/NatsCleanup.ts"
import { databaseUrl, natsUrl } from "../support/TestEnv.ts"
import { runtimeSuite } from "./ActorRuntimeSuite.ts"

describe("actor runtime on NATS JetStream and PostgreSQL", () => {
  runtimeSuite({
    label: "nats",
    bus: () => NatsBus.layer({ servers: [natsUrl()], name: "runtime-test" }),
    db: () => PostgresDb.layer(Redacted.make(databaseUrl()), 10),
    concurrentTransactions: true,
    cleanup: (prefix) => Layer.scopedDiscard(removeOnClose(prefix))
  })
})
