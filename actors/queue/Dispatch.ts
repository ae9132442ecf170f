/**
 * The queue's choice, as a pure function: which waiting item goes to which agent. Items are taken
 * in the order given (priority, then age); each goes to the best eligible agent by the queue's rule,
 * skipping agents who already refused that item. An offer takes one of the agent's free slots, and
 * counts as their latest assignment, so a burst of work spreads instead of piling on one agent.
 */

export type Rule = "most_capacity" | "last_assigned"

export interface Candidate {
  readonly agentId: string
  /** Free slots: capacity minus work offered or assigned. */
  readonly free: number
  readonly lastAssignedAt: number | null
}

export interface Waiting {
  readonly id: string
}

export interface Planned {
  readonly workItemId: string
  readonly agentId: string
}

interface Slot {
  readonly agentId: string
  free: number
  last: number
}

const better = (rule: Rule) => (a: Slot, b: Slot) => {
  const byCapacity = b.free - a.free
  // Never assigned counts as longest idle.
  const byIdle = a.last - b.last
  const primary = rule === "most_capacity" ? byCapacity || byIdle : byIdle || byCapacity
  return primary || a.agentId.localeCompare(b.agentId)
}

export const plan = (
  items: ReadonlyArray<Waiting>,
  candidates: ReadonlyArray<Candidate>,
  refused: ReadonlyMap<string, ReadonlySet<string>>,
  rule: Rule,
  now: number
): ReadonlyArray<Planned> => {
  const slots: Array<Slot> = candidates
    .filter((c) => c.free > 0)
    .map((c) => ({ agentId: c.agentId, free: c.free, last: c.lastAssignedAt ?? 0 }))
  const order = better(rule)
  const out: Array<Planned> = []
  let open = slots.length
  let tick = 0
  for (const item of items) {
    if (open === 0) break
    const no = refused.get(item.id)
    // One pass for the best slot, not a sort: items × agents stays linear at 1,000 agents.
    let best: Slot | undefined
    for (const s of slots) {
      if (s.free === 0 || no?.has(s.agentId)) continue
      if (best === undefined || order(s, best) < 0) best = s
    }
    if (best === undefined) continue
    best.free -= 1
    if (best.free === 0) open -= 1
    // Strictly increasing, so two offers in one turn still order the agents.
    best.last = now + tick++
    out.push({ workItemId: item.id, agentId: best.agentId })
  }
  return out
}
