import { Effect, Option, Schema } from "effect"
import { deadLetterSummary } from "../../db/queries/deadLetters.ts"
import { ActorSystem } from "../../runtime/ActorSystem.ts"
import { Timestamp } from "./Fields.ts"
import { type Route, route } from "./Route.ts"

/** How many dead letters the operator view lists (the most recent). */
const latestDeadLetters = 20

const OwnedPartition = Schema.Struct({
  kind: Schema.String,
  partition: Schema.Int,
  epoch: Schema.Int.annotations({ description: "the lease's epoch; every turn in the partition is fenced by it" })
}).annotations({ identifier: "OwnedPartition" })

const ClusterMember = Schema.Struct({
  id: Schema.String,
  live: Schema.Boolean.annotations({
    description: "heartbeating; false for a node that stopped but whose leases have not yet lapsed"
  }),
  startedAt: Schema.NullOr(Timestamp),
  lastHeartbeat: Schema.NullOr(Timestamp),
  host: Schema.NullOr(Schema.String),
  version: Schema.NullOr(Schema.String),
  partitions: Schema.Array(OwnedPartition)
}).annotations({ identifier: "ClusterMember" })

const DeadLetter = Schema.Struct({
  id: Schema.Int,
  kind: Schema.String,
  actorId: Schema.String,
  partition: Schema.Int,
  cause: Schema.String,
  attempts: Schema.Int,
  at: Timestamp
}).annotations({ identifier: "DeadLetter" })

const ClusterStatus = Schema.Struct({
  answeredBy: Schema.String.annotations({ description: "the node that answered" }),
  complete: Schema.Boolean.annotations({
    description: "false when the lease registry could not be read: only the answering node's partitions are listed"
  }),
  nodes: Schema.Array(ClusterMember),
  deadLetters: Schema.Struct({
    total: Schema.Int,
    latest: Schema.Array(DeadLetter).annotations({ description: `the ${latestDeadLetters} most recent` })
  })
}).annotations({ identifier: "ClusterStatus" })

/** The runtime's tables name kinds `<deployment prefix>/<kind>`; operators know the kind. */
const bareKind = (kind: string) => kind.slice(kind.indexOf("/") + 1)

export const routes: ReadonlyArray<Route> = [
  route({
    method: "get",
    path: "/cluster",
    tag: "operations",
    access: ["manager"],
    summary: "Runtime nodes, the partitions each owns with their epochs, and dead letters (managers)",
    response: ClusterStatus,
    handler: () =>
      Effect.gen(function* () {
        const system = yield* ActorSystem
        const view = yield* system.cluster
        const dead = yield* deadLetterSummary(latestDeadLetters)
        const at = (millis: number | undefined) => (millis === undefined ? null : new Date(millis))
        return {
          answeredBy: view.self,
          complete: view.complete,
          nodes: view.nodes.map((n) => {
            const info = Option.getOrUndefined(n.info)
            return {
              id: n.id,
              live: n.live,
              startedAt: at(info?.startedAt),
              lastHeartbeat: at(info?.heartbeatAt),
              host: info?.host ?? null,
              version: info?.version ?? null,
              partitions: n.partitions
            }
          }),
          deadLetters: {
            total: dead.total,
            latest: dead.latest.map((d) => ({
              id: d.id,
              kind: bareKind(d.kind),
              actorId: d.actorId,
              partition: d.partition,
              cause: d.cause,
              attempts: d.attempts,
              at: d.createdAt
            }))
          }
        }
      })
  })
]
