import { it } from "@effect/vitest"
import type { Duration, Layer, Scope } from "effect"
import { Effect, type Fiber, Queue, Stream, TestClock } from "effect"
import type {
  BusError,
  BusShape,
  BusTimeout,
  ConsumerGone,
  ConsumerNotUnique,
  ConsumerSpec,
  Delivery,
  Kv,
  KvSpec,
  StreamSpec
} from "../../runtime/Bus.ts"
import { Bus } from "../../runtime/Bus.ts"

export interface BusContractOptions {
  /** Suite title, e.g. "MemoryBus". */
  readonly name: string
  readonly layer: Layer.Layer<Bus, BusError>
  /** A fresh subject/stream/bucket prefix (one per test). */
  readonly prefix: () => string
  /**
   * `true`: real time, `advance` sleeps (a real server keeps its own clock).
   * `false`: `TestClock`, `advance` moves it.
   */
  readonly live: boolean
}

export interface Context {
  readonly bus: BusShape
  readonly prefix: string
  /** Lets `duration` pass for the bus (ack waits, duplicate windows, TTLs, request timeouts). */
  readonly advance: (duration: Duration.DurationInput) => Effect.Effect<void>
  /** Gives in-flight deliveries time to arrive, before asserting that nothing more came. */
  readonly quiet: Effect.Effect<void>
  /** A stream deleted when the test ends. */
  readonly stream: (spec?: Partial<StreamSpec>) => Effect.Effect<StreamSpec, BusError, Scope.Scope>
  readonly consumer: (
    stream: StreamSpec,
    spec?: Partial<ConsumerSpec>
  ) => Effect.Effect<ConsumerSpec, BusError | BusTimeout | ConsumerNotUnique>
  /** A KV bucket deleted when the test ends. */
  readonly bucket: (spec?: Partial<KvSpec>) => Effect.Effect<Kv, BusError, Scope.Scope>
}

export type ContractTest = (name: string, body: (ctx: Context) => Effect.Effect<void, unknown, Scope.Scope>) => void

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
export const text = (data: Uint8Array): string => new TextDecoder().decode(data)

/** Declares a test that gets a fresh prefix, its own bus layer, and a scope closed before the bus. */
export const contractTest =
  (options: BusContractOptions): ContractTest =>
  (name, body) => {
    const run = options.live ? it.live : it.effect
    run(
      name,
      () =>
        Effect.gen(function* () {
          const bus = yield* Bus
          const prefix = options.prefix()
          const ctx: Context = {
            bus,
            prefix,
            advance: (duration) => (options.live ? Effect.sleep(duration) : TestClock.adjust(duration)),
            quiet: options.live ? Effect.sleep("300 millis") : Effect.repeatN(Effect.yieldNow(), 50),
            stream: (spec) => {
              const full: StreamSpec = {
                name: `${prefix}S`,
                subjects: [`${prefix}.*.*`],
                retention: "workqueue",
                replicas: 1,
                maxBytes: 1_000_000,
                maxMsgs: 1_000,
                duplicateWindow: "1 second",
                ...spec
              }
              return Effect.acquireRelease(bus.ensureStream(full).pipe(Effect.as(full)), () =>
                Effect.orDie(bus.deleteStream(full.name))
              )
            },
            consumer: (stream, spec) => {
              const full: ConsumerSpec = {
                stream: stream.name,
                name: "c1",
                filterSubject: `${prefix}.1.*`,
                ackWait: "1 second",
                maxAckPending: 100,
                ...spec
              }
              return bus.ensureConsumer(full).pipe(Effect.as(full))
            },
            bucket: (spec) => {
              const full: KvSpec = { bucket: `${prefix}KV`, replicas: 1, ...spec }
              return Effect.acquireRelease(bus.kv(full), () => Effect.orDie(bus.deleteKv(full.bucket)))
            }
          }
          yield* body(ctx)
        }).pipe(Effect.scoped, Effect.provide(options.layer)),
      options.live ? 15_000 : 5_000
    )
  }

export interface Pulling {
  readonly deliveries: Queue.Queue<Delivery>
  readonly fiber: Fiber.RuntimeFiber<void, BusError | ConsumerGone>
}

/** Consumes in the background into a queue, so a test can take deliveries one at a time. */
export const pull = (bus: BusShape, consumer: ConsumerSpec, batch = 10): Effect.Effect<Pulling, never, Scope.Scope> =>
  Effect.gen(function* () {
    const deliveries = yield* Queue.unbounded<Delivery>()
    const fiber = yield* bus.consume(consumer.stream, consumer.name, { batch }).pipe(
      Stream.runForEach((delivery) => Queue.offer(deliveries, delivery)),
      Effect.forkScoped
    )
    return { deliveries, fiber }
  })

export const takeN = <A>(queue: Queue.Queue<A>, n: number): Effect.Effect<ReadonlyArray<A>> =>
  Effect.forEach(Array.from({ length: n }), () => Queue.take(queue))
