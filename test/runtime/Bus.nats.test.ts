import * as NatsBus from "../../runtime/NatsBus.ts"
import { natsUrl, uniquePrefix } from "../support/TestEnv.ts"
import { busContract } from "./BusContract.ts"

busContract({
  name: "NatsBus",
  layer: NatsBus.layer({ servers: [natsUrl()], name: "parley-bus-contract" }),
  prefix: () => uniquePrefix("nats"),
  live: true
})
