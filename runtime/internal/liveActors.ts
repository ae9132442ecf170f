/** What the node-wide registry needs of a live actor. */
export interface Resident {
  /** No turn running and nothing queued: dropping it loses nothing (its state is in PostgreSQL). */
  readonly idle: boolean
  /** Drops the actor from its partition; it reactivates from its stored state on its next message. */
  readonly passivate: (reason: "cap") => void
}

/**
 * Every actor live on this node, least recently used first, with a cap (Akka's active-entity
 * limit; `MAX_LIVE_ACTORS` in README.md): admitting one more than `cap` passivates the least recently used idle
 * actors. Busy actors (mid-turn or with queued messages) are never dropped, so the count may
 * exceed the cap while more than `cap` actors are busy at once. Synchronous on purpose: a check
 * and the removal it decides happen with no other fiber in between.
 */
export class LiveActors {
  private readonly order = new Set<Resident>()

  constructor(readonly cap: number) {}

  get size(): number {
    return this.order.size
  }

  admit(resident: Resident): void {
    this.order.add(resident)
    this.trim()
  }

  /** Marks it most recently used; an actor already forgotten stays forgotten. */
  touch(resident: Resident): void {
    if (this.order.delete(resident)) this.order.add(resident)
  }

  forget(resident: Resident): void {
    this.order.delete(resident)
  }

  /** Passivates least recently used idle actors while over the cap. */
  trim(): void {
    if (this.order.size <= this.cap) return
    for (const resident of this.order) {
      if (this.order.size <= this.cap) return
      if (resident.idle) resident.passivate("cap")
    }
  }
}
