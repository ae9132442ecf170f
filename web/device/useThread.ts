import { useEffect, useState } from "react"
import type { WireCustomer, WireEntry, WireViolation } from "../../sim/SimControlWire.ts"
import * as Api from "./api.ts"

export interface ThreadState {
  readonly customer: WireCustomer | undefined
  /** Both sides in order. */
  readonly entries: ReadonlyArray<WireEntry>
  readonly violations: ReadonlyArray<WireViolation>
  /** One plain sentence when the simulator cannot be reached; polling goes on. */
  readonly problem: string | undefined
}

const pollEveryMs = 500

/**
 * The conversation as the simulated device has it, kept fresh by asking every half second for what
 * changed since the last revision (the simulator is in Parley's process, so this costs little).
 */
export const useThread = (customerId: string): ThreadState => {
  const [state, setState] = useState<ThreadState>({
    customer: undefined,
    entries: [],
    violations: [],
    problem: undefined
  })
  useEffect(() => {
    let since = 0
    let stopped = false
    let timer: ReturnType<typeof setTimeout> | undefined
    const bySeq = new Map<number, WireEntry>()
    const poll = async () => {
      try {
        const thread = await Api.thread(customerId, since)
        if (stopped) return
        for (const entry of thread.entries) bySeq.set(entry.seq, entry)
        since = thread.rev
        setState({
          customer: thread.customer,
          entries: [...bySeq.values()].sort((a, b) => a.seq - b.seq),
          violations: thread.violations,
          problem: undefined
        })
      } catch (error) {
        if (stopped) return
        setState((s) => ({ ...s, problem: error instanceof Error ? error.message : "The device is unreachable." }))
      }
      if (!stopped) timer = setTimeout(poll, pollEveryMs)
    }
    void poll()
    return () => {
      stopped = true
      if (timer !== undefined) clearTimeout(timer)
    }
  }, [customerId])
  return state
}
