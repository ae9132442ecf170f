import { Option, Schema } from "effect"

/**
 * Which queue takes an interaction. A queue's `routing_conditions` list what it accepts; every
 * listed condition must hold, an absent or empty one matches anything. What the chat is about may
 * be known two ways, Apple's intent (the entry point) and the virtual agent's topic: where a queue
 * lists both, either one matching is enough. Queues are tried in `routingOrder` (then name, so
 * ties are stable) and the first match wins.
 */

const Names = Schema.optional(Schema.Array(Schema.String))

/** The conditions as stored (JSON); unknown keys are ignored so older rows still route. */
export const Conditions = Schema.Struct({
  intents: Names,
  groups: Names,
  topics: Names,
  locales: Names,
  tiers: Names,
  requiredSkills: Names
})
export type Conditions = typeof Conditions.Type

export interface RoutableQueue {
  readonly name: string
  readonly channel: string
  readonly routingOrder: number
  readonly active: boolean
  readonly routingConditions: unknown
}

/** What is known of the interaction when it is handed off (Apple's context and the customer's tier). */
export interface RoutingContext {
  readonly channel: string
  readonly intent?: string | undefined
  readonly group?: string | undefined
  readonly topic?: string | undefined
  readonly locale?: string | undefined
  readonly tier?: string | undefined
}

const decode = Schema.decodeUnknownOption(Conditions)

const holds = (allowed: ReadonlyArray<string> | undefined, value: string | undefined): boolean =>
  allowed === undefined || allowed.length === 0 || (value !== undefined && allowed.includes(value))

const listed = (names: ReadonlyArray<string> | undefined): names is ReadonlyArray<string> =>
  names !== undefined && names.length > 0

/** Apple's intent or the bot's topic, as the queue lists them (both listed: either matches). */
const about = (c: Conditions, context: RoutingContext): boolean =>
  listed(c.intents) && listed(c.topics)
    ? holds(c.intents, context.intent) || holds(c.topics, context.topic)
    : holds(c.intents, context.intent) && holds(c.topics, context.topic)

/** Whether `queue` accepts work with `context`; a row whose conditions do not decode accepts nothing. */
export const matches = (queue: RoutableQueue, context: RoutingContext): boolean => {
  if (!queue.active || queue.channel !== context.channel) return false
  return Option.match(decode(queue.routingConditions), {
    onNone: () => false,
    onSome: (c) =>
      about(c, context) &&
      holds(c.groups, context.group) &&
      holds(c.locales, context.locale) &&
      holds(c.tiers, context.tier)
  })
}

/** The first queue, in routing order, whose conditions hold; `undefined` when none does. */
export const routeTo = <Q extends RoutableQueue>(queues: ReadonlyArray<Q>, context: RoutingContext): Q | undefined =>
  [...queues]
    .sort((a, b) => a.routingOrder - b.routingOrder || a.name.localeCompare(b.name))
    .find((queue) => matches(queue, context))

/** Skills an agent must have to be offered the queue's work. */
export const requiredSkills = (queue: Pick<RoutableQueue, "routingConditions">): ReadonlyArray<string> =>
  Option.match(decode(queue.routingConditions), { onNone: () => [], onSome: (c) => c.requiredSkills ?? [] })
