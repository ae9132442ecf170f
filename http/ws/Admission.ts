import { Effect, Option } from "effect"
import { NodeLoad } from "../../runtime/NodeLoad.ts"
import { type CommandRefused, unavailable } from "./CommandRefused.ts"

/**
 * Whether the socket carries out the next command now: one hook before each command, so limits
 * on commands (a busy node here; per-socket queue bounds may join it) live in one place rather
 * than in the session loop. A refusal is an `error` frame with code `unavailable` and the reason,
 * and the socket stays open: the client may send the command again shortly.
 */
export const admit: Effect.Effect<void, CommandRefused> = Effect.flatMap(Effect.serviceOption(NodeLoad), (load) => {
  const refused = Option.flatMap(load, (l) => l.shedding())
  if (Option.isNone(refused)) return Effect.void
  Option.map(load, (l) => l.shed("socket"))
  return Effect.fail(unavailable(refused.value))
})
