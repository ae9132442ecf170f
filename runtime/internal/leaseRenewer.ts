import { Clock, Deferred, Effect, Option, type Scope } from "effect"
import type { Kv, LeaseRenewer, RenewerSettings } from "../Bus.ts"
import { afterConflict, suspectReason, takenAfterLapse } from "./leaseAnswer.ts"

/**
 * Renews every partition lease this node holds, on one timer of its own in this thread: the
 * renewer of a bus without a thread of its own (in-process; NATS renews from a worker thread,
 * `leaseThread.ts`). A partition's work never delays its renewal, and a renewal never waits for a
 * turn, but a CPU-bound event loop delays both.
 *
 * Only the bucket's answer ends a lease (`leaseAnswer.ts`): another holder's revision, or another
 * node creating the key first after it lapsed. A renewal without an answer leaves the lease held;
 * past `suspectAfter` without a confirmed one, that is logged. A process that was paused past its
 * TTL learns on its first renewal after waking that another node holds the key, and its turns
 * meanwhile fail the fence (`store.ts`).
 */

interface Entry {
  readonly key: string
  readonly value: Uint8Array
  revision: number
  /** When the request behind the latest confirmed renewal was sent. */
  lastOk: number
  busy: boolean
  readonly lost: Deferred.Deferred<string>
  readonly permit: Effect.Semaphore
}

export const make = (
  leases: Kv,
  settings: Pick<RenewerSettings, "renewEvery" | "suspectAfter">
): Effect.Effect<LeaseRenewer & { readonly size: () => number }, never, Scope.Scope> =>
  Effect.gen(function* () {
    const held = new Map<string, Entry>()
    const scope = yield* Effect.scope
    /** Since when some lease has been suspect (undefined: none is). */
    let suspectSince: number | undefined

    const lose = (entry: Entry, reason: string) =>
      Effect.suspend(() => {
        held.delete(entry.key)
        return Deferred.succeed(entry.lost, reason)
      }).pipe(Effect.asVoid)

    /** One compare-and-set; a conflict is read and judged (`afterConflict`); no answer changes nothing. */
    const renewOne = (entry: Entry): Effect.Effect<void> =>
      entry.permit.withPermits(1)(
        Effect.gen(function* () {
          if (held.get(entry.key) !== entry) return
          const sentAt = yield* Clock.currentTimeMillis
          const renewed = yield* Effect.either(
            leases.update(entry.key, entry.value, entry.revision).pipe(Effect.timeout(settings.suspectAfter))
          )
          if (renewed._tag === "Right") {
            entry.revision = renewed.right
            entry.lastOk = sentAt
            return
          }
          if (renewed.left._tag !== "KvConflict") return
          const current = yield* Effect.either(leases.get(entry.key))
          if (current._tag === "Left") return
          const next = afterConflict(entry.value, Option.getOrUndefined(current.right))
          if (next._tag === "Lost") return yield* lose(entry, next.reason)
          if (next._tag === "Adopt") {
            entry.revision = next.revision
            return
          }
          const created = yield* Effect.either(leases.create(entry.key, entry.value))
          if (created._tag === "Right") {
            entry.revision = created.right
            entry.lastOk = sentAt
            return
          }
          if (created.left._tag === "KvConflict") yield* lose(entry, takenAfterLapse)
        })
      )

    const report = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const suspect = [...held.values()].filter((e) => now - e.lastOk > settings.suspectAfter)
      if (suspect.length > 0 && suspectSince === undefined) {
        suspectSince = Math.min(...suspect.map((e) => e.lastOk))
        yield* Effect.logWarning(`${suspect.length} leases suspect: ${suspectReason(now - suspectSince)}`)
      }
      if (suspect.length === 0 && suspectSince !== undefined) {
        yield* Effect.logInfo(`every lease renewal confirmed again after ${now - suspectSince} ms`)
        suspectSince = undefined
      }
    })

    const tick = Effect.gen(function* () {
      yield* report
      for (const entry of [...held.values()]) {
        if (entry.busy) continue
        entry.busy = true
        yield* renewOne(entry).pipe(
          Effect.ensuring(
            Effect.sync(() => {
              entry.busy = false
            })
          ),
          Effect.forkIn(scope)
        )
      }
    })
    yield* tick.pipe(Effect.zipRight(Effect.sleep(settings.renewEvery)), Effect.forever, Effect.forkScoped)

    const hold: LeaseRenewer["hold"] = (key, value, revision) =>
      Effect.gen(function* () {
        const entry: Entry = {
          key,
          value,
          revision,
          lastOk: yield* Clock.currentTimeMillis,
          busy: false,
          lost: yield* Deferred.make<string>(),
          permit: yield* Effect.makeSemaphore(1)
        }
        held.set(key, entry)
        const release = entry.permit.withPermits(1)(
          Effect.suspend(() => {
            if (held.get(key) === entry) held.delete(key)
            return leases.delete(key, entry.revision).pipe(Effect.ignore)
          })
        )
        return { lost: entry.lost, release }
      })

    return { hold, size: () => held.size }
  })
