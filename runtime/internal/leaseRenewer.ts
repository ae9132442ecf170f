import { Clock, Deferred, Effect, Option, type Scope } from "effect"
import type { Kv, LeaseRenewer, RenewerSettings } from "../Bus.ts"

/**
 * Renews every partition lease this node holds, on one timer of its own in this thread: the
 * renewer of a bus without a thread of its own (in-process; NATS renews from a worker thread,
 * `leaseThread.ts`). A partition's work never delays its renewal, and a renewal never waits for a
 * turn, but a CPU-bound event loop delays both.
 *
 * A lease is lost when another holder's revision is found (a compare-and-set conflict that is not
 * our own late write), or when no renewal has been confirmed for `selfFenceAfter` (shorter than the
 * bucket's TTL), measured from when the confirmed request was sent. A process that was paused past
 * it finds that out on its first tick after waking, before anything else of it runs long.
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

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i])

export const make = (
  leases: Kv,
  settings: Pick<RenewerSettings, "renewEvery" | "selfFenceAfter">
): Effect.Effect<LeaseRenewer & { readonly size: () => number }, never, Scope.Scope> =>
  Effect.gen(function* () {
    const held = new Map<string, Entry>()
    const scope = yield* Effect.scope

    const lose = (entry: Entry, reason: string) =>
      Effect.suspend(() => {
        held.delete(entry.key)
        return Deferred.succeed(entry.lost, reason)
      }).pipe(Effect.asVoid)

    const overdue = (entry: Entry) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        now - entry.lastOk > settings.selfFenceAfter
          ? lose(entry, `lease lost: no renewal confirmed for ${now - entry.lastOk} ms`)
          : Effect.void
      )

    /** One compare-and-set. A conflict may be our own earlier write that landed after its reply was lost. */
    const renewOne = (entry: Entry): Effect.Effect<void> =>
      entry.permit.withPermits(1)(
        Effect.gen(function* () {
          if (held.get(entry.key) !== entry) return
          const sentAt = yield* Clock.currentTimeMillis
          const renewed = yield* Effect.either(
            leases.update(entry.key, entry.value, entry.revision).pipe(Effect.timeout(settings.selfFenceAfter))
          )
          if (renewed._tag === "Right") {
            entry.revision = renewed.right
            entry.lastOk = sentAt
            return
          }
          if (renewed.left._tag !== "KvConflict") return
          const current = yield* Effect.either(leases.get(entry.key))
          if (current._tag === "Left") return
          if (Option.isSome(current.right) && sameBytes(current.right.value.value, entry.value)) {
            // Ours: a write whose reply did not arrive. Continue from its revision.
            entry.revision = current.right.value.revision
            return
          }
          return yield* lose(entry, "lease lost: another holder's revision")
        })
      )

    const tick = Effect.gen(function* () {
      for (const entry of [...held.values()]) {
        yield* overdue(entry)
        if (held.get(entry.key) !== entry || entry.busy) continue
        entry.busy = true
        yield* renewOne(entry).pipe(
          Effect.ensuring(
            Effect.flatMap(
              Effect.sync(() => {
                entry.busy = false
              }),
              () => overdue(entry)
            )
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
