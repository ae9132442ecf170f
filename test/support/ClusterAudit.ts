import { Effect } from "effect"
import postgres from "postgres"
import type { Cluster } from "./Cluster.ts"

/**
 * Overlaps between epochs of one partition: every turn of an epoch must have begun before any turn
 * of a later epoch (a takeover waits for the fence's share locks, and a turn starting after it
 * fails the fence check), so per partition the epochs' time ranges are disjoint and in order; and
 * no turn is recorded under an epoch above the fence's (needs the nodes run with `RUNTIME_AUDIT`).
 */
export const epochOverlaps = (cluster: Cluster) =>
  Effect.promise(async () => {
    const sql = postgres(cluster.databaseUrl, { max: 1, onnotice: () => {} })
    try {
      const overlapping = await sql<Array<{ kind: string; partition: number; epoch: number; next: number }>>`
        with spans as (
          select kind, partition, epoch, min(committed_at) as first, max(committed_at) as last
          from processed_turns group by kind, partition, epoch
        ), ordered as (
          select *, lead(epoch) over w as next, lead(first) over w as next_first
          from spans window w as (partition by kind, partition order by epoch)
        )
        select kind, partition, epoch::float8 as epoch, next::float8 as next from ordered
        where next_first is not null and last > next_first`
      const stale = await sql<Array<{ n: number }>>`
        select count(*)::int as n from processed_turns t join partition_fence f using (kind, partition)
        where t.epoch > f.epoch`
      const audited = await sql<Array<{ n: number; epochs: number }>>`
        select count(*)::int as n, count(distinct (kind, partition, epoch))::int as epochs from processed_turns`
      const handedOver = await sql<Array<{ n: number }>>`
        select count(*)::int as n from (
          select 1 from processed_turns group by kind, partition having count(distinct epoch) > 1) moved`
      return {
        overlapping,
        beyondFence: stale[0]?.n ?? 0,
        turns: audited[0]?.n ?? 0,
        epochs: audited[0]?.epochs ?? 0,
        handedOver: handedOver[0]?.n ?? 0
      }
    } finally {
      await sql.end()
    }
  })
