/**
 * What the lease bucket's answer to a renewal means: the one rule of both renewers
 * (`leaseRenewer.ts` in this thread, `leaseWorker.ts` in a worker). Only an answer ends a lease.
 * A renewal that got none (JetStream electing a leader, a lost connection) leaves the lease held
 * but suspect: nobody else can take the key while the bucket cannot be written, and a node that
 * was cut off while others could is fenced in PostgreSQL anyway (docs/cluster.md, "Leases").
 */

/** The key as read after a compare-and-set conflict: absent (expired, deleted) or its latest value. */
export type Reading = { readonly value: Uint8Array; readonly revision: number } | undefined

export type AfterConflict =
  /** Our own write, whose reply was lost: carry on from its revision. */
  | { readonly _tag: "Adopt"; readonly revision: number }
  /** The key lapsed (its TTL ran out while the bucket could not be written): create it again. */
  | { readonly _tag: "Recreate" }
  | { readonly _tag: "Lost"; readonly reason: string }

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

export const afterConflict = (ours: Uint8Array, current: Reading): AfterConflict => {
  if (current === undefined) return { _tag: "Recreate" }
  if (sameBytes(current.value, ours)) return { _tag: "Adopt", revision: current.revision }
  return { _tag: "Lost", reason: "lease lost: another holder's revision" }
}

/** A lapsed key we tried to create again was created by another node first. */
export const takenAfterLapse = "lease lost: another node took it after it lapsed"

/** How a lease without a confirmed renewal for `millis` is described in logs. */
export const suspectReason = (millis: number): string =>
  `no lease renewal confirmed for ${millis} ms (the lease bucket does not answer); running on, fenced in PostgreSQL`
