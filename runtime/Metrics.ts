import { Metric, MetricBoundaries } from "effect"

/** Runtime metrics (Effect `Metric`), tagged by actor kind; exported on `/metrics` in Prometheus format. */

export const messagesHandled = Metric.counter("parley_actor_messages_total", {
  description: "Messages whose turn committed",
  incremental: true
})

export const messagesSkipped = Metric.counter("parley_actor_duplicates_total", {
  description: "Redelivered messages skipped because their sequence was already applied",
  incremental: true
})

export const turnRetries = Metric.counter("parley_actor_turn_retries_total", {
  description: "Failed turn attempts that were retried in place",
  incremental: true
})

export const deadLetters = Metric.counter("parley_actor_dead_letters_total", {
  description: "Messages moved to the dead-letter stream",
  incremental: true
})

export const activeActors = Metric.gauge("parley_actor_active", { description: "Actors live in memory" })

export const passivations = Metric.counter("parley_actor_passivations_total", {
  description: "Actors dropped from memory, tagged by reason: idle (timeout) or cap (node limit, least recently used)",
  incremental: true
})

export const mailboxDepth = Metric.histogram(
  "parley_actor_mailbox_depth",
  MetricBoundaries.exponential({ start: 1, factor: 2, count: 10 }),
  "Mailbox depth seen when a delivery is enqueued"
)

export const turnDuration = Metric.histogram(
  "parley_actor_turn_seconds",
  MetricBoundaries.exponential({ start: 0.0005, factor: 2, count: 16 }),
  "Turn duration including its transaction"
)
