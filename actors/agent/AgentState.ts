import { Effect, Schema } from "effect"
import { channelsOf } from "../../db/queries/agents.ts"
import { findUser } from "../../db/queries/users.ts"
import * as Actor from "../../runtime/Actor.ts"
import { names } from "../../runtime/Address.ts"
import { RuntimeConfig } from "../../runtime/RuntimeConfig.ts"
import { Agent, type ChannelStatus, PendingOffer } from "./AgentProtocol.ts"

/**
 * What only the agent's actor knows, written through to `actor_snapshots` every turn: the offers
 * put in front of the agent (they count against capacity until answered), custom presence labels,
 * the cross-channel cap, the items in wrap-up and the open workspace sockets. Presence and
 * per-channel capacity live in `agent_channels`, where routing reads them.
 */
export const AgentSnapshot = Schema.Struct({
  labels: Schema.Record({ key: Schema.String, value: Schema.String }),
  universalCap: Schema.optional(Schema.Number),
  pending: Schema.Array(PendingOffer),
  wrapUp: Schema.Array(Schema.String),
  /** Open workspace sockets: session id → node (absent in snapshots written before sockets were tracked). */
  sessions: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), {
    default: () => ({})
  }),
  /**
   * Session id → when it opened (epoch ms, its node's clock); absent for sessions recorded before
   * this was kept, which count as opened before any restart. A map beside `sessions` rather than
   * `{ node, openedAt }` values: a node still on the previous release decodes these snapshots
   * (unknown keys are ignored) during a rolling deploy, and the reaper's query reads `sessions` as it was.
   */
  openedAt: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Number }), {
    default: () => ({})
  })
})
export type AgentSnapshot = typeof AgentSnapshot.Type

export interface Cell extends AgentSnapshot {
  readonly id: string
  readonly name: string
  readonly channels: ReadonlyArray<ChannelStatus>
}

const empty: AgentSnapshot = { labels: {}, pending: [], wrapUp: [], sessions: {}, openedAt: {} }

/** The agent kind's `actor_snapshots.kind` under this node's subject prefix. */
export const tableKind = Effect.map(RuntimeConfig, (config) => names(config.subjectPrefix).tableKind(Agent.name))

/** Presence and capacity as routing sees them, with the custom labels on top. */
export const readChannels = Effect.fnUntraced(function* (id: string, labels: AgentSnapshot["labels"]) {
  const rows = yield* channelsOf(id)
  return rows.map((row): ChannelStatus => {
    const label = labels[row.channel]
    return {
      channel: row.channel,
      state: row.presence,
      capacity: row.capacity,
      ...(label !== undefined ? { label } : {})
    }
  })
})

/**
 * The agent's state as the runtime keeps it (`Behavior.state`): the snapshot, and on activation
 * the agent's name and channels read afresh (routing owns those rows).
 */
export const stored = Actor.stored<Cell, AgentSnapshot, typeof AgentSnapshot.Encoded, never>({
  schema: AgentSnapshot,
  initial: empty,
  keep: (cell: Cell): AgentSnapshot => ({
    labels: cell.labels,
    pending: cell.pending,
    wrapUp: cell.wrapUp,
    sessions: cell.sessions,
    openedAt: cell.openedAt,
    ...(cell.universalCap !== undefined ? { universalCap: cell.universalCap } : {})
  }),
  restore: (id, snapshot) =>
    Effect.gen(function* () {
      const user = yield* findUser(id)
      const channels = yield* readChannels(id, snapshot.labels)
      const cell: Cell = { ...snapshot, id, name: user?.displayName ?? id, channels }
      return cell
    })
})
