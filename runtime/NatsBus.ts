import type { StreamConfig } from "@nats-io/jetstream"
import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType
} from "@nats-io/jetstream"
import type { Msg } from "@nats-io/transport-node"
import { connect } from "@nats-io/transport-node"
import { Effect, Layer, Option, Queue, Schema, Stream, Take } from "effect"
import type { BusError, BusMessage, BusShape, ConsumerGone, Delivery, StreamSpec } from "./Bus.ts"
import { Bus, BusTimeout } from "./Bus.ts"
import { duplicateWindowMillis, millis, nanos } from "./internal/busDurations.ts"
import * as LeaseThread from "./internal/leaseThread.ts"
import {
  fromNats,
  ignoreNotFound,
  isStreamNameInUse,
  provisioning,
  tryNats,
  tryNatsSync
} from "./internal/natsErrors.ts"
import { deleteKv, openKv } from "./internal/natsKv.ts"
import { toBusMessage, toDelivery, withHeaders } from "./internal/natsMessages.ts"

export interface NatsBusOptions {
  readonly servers: ReadonlyArray<string>
  /** Connection name, shown by the server (monitoring, `nats-server` logs). */
  readonly name: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A page of `$JS.API.CONSUMER.NAMES` (nats.js has no call for it). */
const ConsumerNamesPage = Schema.Struct({
  total: Schema.optional(Schema.Number),
  consumers: Schema.optional(Schema.NullOr(Schema.Array(Schema.String))),
  error: Schema.optional(Schema.Struct({ code: Schema.Number, description: Schema.String }))
})

const streamConfig = (spec: StreamSpec): Partial<StreamConfig> & { readonly name: string } => ({
  name: spec.name,
  subjects: [...spec.subjects],
  retention: spec.retention === "workqueue" ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
  storage: StorageType.File,
  num_replicas: spec.replicas,
  // A full stream refuses writes instead of dropping messages nobody has processed.
  discard: DiscardPolicy.New,
  max_bytes: spec.maxBytes,
  max_msgs: spec.maxMsgs,
  duplicate_window: Math.round(duplicateWindowMillis(spec) * 1_000_000),
  max_age: spec.maxAge === undefined ? 0 : nanos(spec.maxAge)
})

/**
 * The bus on NATS: core NATS for pub/sub and request/reply, JetStream for streams and durable
 * pull consumers, JetStream KV. The connection drains when the layer's scope closes.
 */
export const make = Effect.fn("NatsBus.make")(function* (options: NatsBusOptions) {
  const nc = yield* Effect.acquireRelease(
    tryNats({ operation: "connect" }, () =>
      connect({
        servers: [...options.servers],
        name: options.name,
        maxReconnectAttempts: -1,
        // Otherwise every request and publish builds an Error up front for its stack trace
        // (measured: ~1.5 % of a loaded node's CPU); our errors carry their operation and subject.
        noAsyncTraces: true
      })
    ),
    // Drain, not close: subscriptions finish what they hold and pending publishes are flushed.
    (connection) =>
      tryNats({ operation: "drain" }, () => connection.drain()).pipe(
        Effect.catchAll((error) => Effect.logWarning("NATS drain failed", error))
      )
  )
  const js = jetstream(nc)
  const jsm = yield* provisioning({ operation: "jetstreamManager" }, () => jetstreamManager(nc))
  // Leases and membership heartbeats on a connection of their own: their replies never wait
  // behind a burst of deliveries and publishes on the data connection (docs/cluster.md, "Leases").
  const control = yield* Effect.acquireRelease(
    tryNats({ operation: "connect" }, () =>
      connect({ servers: [...options.servers], name: `${options.name}-control`, maxReconnectAttempts: -1 })
    ),
    (connection) =>
      tryNats({ operation: "drain" }, () => connection.drain()).pipe(
        Effect.catchAll((error) => Effect.logWarning("NATS drain failed", error))
      )
  )
  const controlJsm = yield* provisioning({ operation: "jetstreamManager" }, () => jetstreamManager(control))

  // Callbacks feed Effect queues rather than `for await` over nats.js iterators: closing an
  // async generator that is parked in `next()` never settles, which hung scope finalization.
  const subscribe: BusShape["subscribe"] = Effect.fn("NatsBus.subscribe")(function* (
    subject: string,
    handler: (message: BusMessage) => Effect.Effect<void>,
    subscribeOptions?: { readonly queue?: string }
  ) {
    const context = { operation: "subscribe", subject }
    const inbox = yield* Effect.acquireRelease(Queue.unbounded<Msg>(), Queue.shutdown)
    const queue = subscribeOptions?.queue === undefined ? {} : { queue: subscribeOptions.queue }
    yield* Effect.acquireRelease(
      tryNatsSync(context, () =>
        nc.subscribe(subject, {
          ...queue,
          callback: (error, msg) => {
            if (error === null) Queue.unsafeOffer(inbox, msg)
          }
        })
      ),
      (sub) => Effect.ignore(tryNatsSync(context, () => sub.unsubscribe()))
    )
    // The server knows the interest once flushed, so a publish from another connection reaches it.
    yield* tryNats(context, () => nc.flush())
    yield* Queue.take(inbox).pipe(
      Effect.flatMap((msg) =>
        handler(toBusMessage(msg)).pipe(
          Effect.catchAllCause((cause) => Effect.logError("Bus handler failed", subject, cause))
        )
      ),
      Effect.forever,
      Effect.forkScoped
    )
  })

  const ensureStream: BusShape["ensureStream"] = (spec) =>
    provisioning({ operation: "ensureStream", stream: spec.name }, async () => {
      const config = streamConfig(spec)
      try {
        await jsm.streams.add(config)
      } catch (error) {
        if (!isStreamNameInUse(error)) throw error
        const { name: _name, retention: _retention, storage: _storage, ...update } = config
        await jsm.streams.update(spec.name, update)
      }
    })

  const consumerNames: BusShape["consumerNames"] = (stream) =>
    tryNats({ operation: "consumerNames", stream }, async () => {
      // The NAMES API, not LIST: in a cluster LIST asks each consumer's leader and leaves out
      // those that do not answer, while NAMES reads the assignments.
      const names: Array<string> = []
      for (;;) {
        const reply = await nc.request(
          `$JS.API.CONSUMER.NAMES.${stream}`,
          encoder.encode(JSON.stringify({ offset: names.length }))
        )
        const page = Schema.decodeUnknownSync(ConsumerNamesPage)(JSON.parse(decoder.decode(reply.data)))
        if (page.error !== undefined) throw new Error(`${page.error.description} (${page.error.code})`)
        const found = page.consumers ?? []
        names.push(...found)
        if (found.length === 0 || names.length >= (page.total ?? 0)) return names
      }
    })

  /**
   * How long a consumer's pulls may keep failing (other than by the consumer being gone) before
   * the stream fails: through a JetStream election the pulls are opened again every 0.5 s, so the
   * partition keeps its consumer instead of stopping and creating a new one under load.
   */
  const pullOutageLimit = 60_000

  const consume: BusShape["consume"] = (stream, consumer, consumeOptions) =>
    Stream.unwrapScoped(
      Effect.gen(function* () {
        const context = { operation: "consume", stream, consumer }
        const takes = yield* Effect.acquireRelease(
          Queue.unbounded<Take.Take<Delivery, BusError | ConsumerGone>>(),
          Queue.shutdown
        )
        // One pull session, until it closes: with the reason, or undefined when closed by us.
        const session = Effect.scoped(
          Effect.gen(function* () {
            const handle = yield* tryNats(context, () => js.consumers.get(stream, consumer), ["ConsumerGone"])
            const messages = yield* Effect.acquireRelease(
              tryNats(
                context,
                () =>
                  handle.consume({
                    max_messages: consumeOptions.batch,
                    // A pull parked on a server that died (or a consumer whose leader moved) is
                    // noticed by two missed heartbeats and re-issued: with nats.js's defaults
                    // (30 s pulls, 15 s heartbeats) a partition sat idle for 30 s after a NATS
                    // server's loss (measured: 49-52 s waits); now 2 s. Costs one pull per
                    // partition every 5 s and a heartbeat a second while idle.
                    expires: 5_000,
                    idle_heartbeat: 1_000,
                    // A deleted consumer ends the pull instead of being retried forever.
                    abort_on_missing_resource: true,
                    callback: (msg) => {
                      Queue.unsafeOffer(takes, Take.of(toDelivery(msg, stream, consumer)))
                    }
                  }),
                ["ConsumerGone"]
              ),
              (pulling) => Effect.ignore(tryNats(context, () => pulling.close()))
            )
            const error = yield* Effect.promise(() => messages.closed())
            return error ? Option.some(fromNats(context, ["ConsumerGone"])(error)) : Option.none()
          })
        )
        // nats.js ends a pull on one server's answer "consumer not found" (to the info request it
        // sends after two missed heartbeats). In bench/natsKill.ts, 10-20 s after the killed NATS
        // server came back, consumers nobody had deleted were reported so; their partitions stopped
        // and were taken again under new epochs through a busy meta leader, and a run stalled for
        // over 90 s. The cluster's assignments (the NAMES API) decide: a consumer they still list is
        // pulled again. When they cannot be read either, it is an outage like any other.
        const stillAssigned = consumerNames(stream).pipe(
          Effect.map((names) => names.includes(consumer)),
          Effect.orElseSucceed(() => true),
          Effect.tap((listed) =>
            listed ? Effect.logInfo("consumer reported gone but still assigned; pulling again") : Effect.void
          )
        )
        const pulls: Effect.Effect<void, BusError | ConsumerGone> = Effect.gen(function* () {
          let failingSince: number | undefined
          while (true) {
            const openedAt = Date.now()
            const ended = yield* Effect.either(session)
            const failure = ended._tag === "Left" ? Option.some(ended.left) : ended.right
            if (Option.isNone(failure)) return
            if (failure.value._tag === "ConsumerGone" && !(yield* stillAssigned)) return yield* failure.value
            // A session that ran a while was not part of the same outage: a new one starts now.
            // (It started at the session's opening before, so a pull that had run for over the
            // limit failed the stream at its first error.)
            const now = Date.now()
            if (failingSince === undefined || now - openedAt > 10_000) failingSince = now
            if (Date.now() - failingSince > pullOutageLimit) return yield* failure.value
            yield* Effect.logDebug("consumer pull failed; opening it again", failure.value)
            yield* Effect.sleep("500 millis")
          }
        })
        yield* pulls.pipe(
          Effect.matchEffect({
            onFailure: (error) => Queue.offer(takes, Take.fail(error)),
            onSuccess: () => Queue.offer(takes, Take.end)
          }),
          Effect.forkScoped
        )
        return Stream.fromQueue(takes).pipe(Stream.flattenTake)
      })
    )

  const shape: BusShape = {
    describe: options.servers.join(","),
    // rtt() waits through a reconnect; a readiness probe must answer sooner.
    ping: tryNats({ operation: "ping" }, () => nc.rtt(), ["BusTimeout"]).pipe(
      Effect.timeoutFail({
        duration: "2 seconds",
        onTimeout: () => new BusTimeout({ operation: "ping", subject: "" })
      }),
      Effect.asVoid
    ),
    publish: (subject, data, headers) =>
      tryNatsSync({ operation: "publish", subject }, () => nc.publish(subject, data, withHeaders(headers))),
    subscribe,
    request: (subject, data, requestOptions) =>
      tryNats(
        { operation: "request", subject },
        () =>
          nc.request(subject, data, {
            timeout: millis(requestOptions.timeout),
            ...withHeaders(requestOptions.headers)
          }),
        ["NoResponders", "BusTimeout"]
      ).pipe(Effect.map(toBusMessage)),
    ensureStream,
    deleteStream: (name) =>
      tryNats({ operation: "deleteStream", stream: name }, () =>
        jsm.streams.delete(name).then(() => {}, ignoreNotFound)
      ),
    streamState: (name) =>
      tryNats({ operation: "streamState", stream: name }, () => jsm.streams.info(name)).pipe(
        Effect.map((info) => ({ messages: info.state.messages, bytes: info.state.bytes }))
      ),
    publishDurable: (subject, data, publishOptions) =>
      tryNats(
        { operation: "publishDurable", subject },
        () =>
          js.publish(subject, data, {
            ...withHeaders(publishOptions?.headers),
            ...(publishOptions?.msgId === undefined ? {} : { msgID: publishOptions.msgId }),
            ...(publishOptions?.timeout === undefined ? {} : { timeout: millis(publishOptions.timeout) })
          }),
        ["BusTimeout"]
      ).pipe(Effect.map(({ stream, seq, duplicate }) => ({ stream, seq, duplicate }))),
    ensureConsumer: (spec) =>
      tryNats(
        { operation: "ensureConsumer", stream: spec.stream, consumer: spec.name },
        () =>
          jsm.consumers.add(spec.stream, {
            durable_name: spec.name,
            filter_subject: spec.filterSubject,
            ack_policy: AckPolicy.Explicit,
            ack_wait: nanos(spec.ackWait),
            max_ack_pending: spec.maxAckPending,
            max_deliver: -1,
            deliver_policy: DeliverPolicy.All
          }),
        ["BusTimeout", "ConsumerNotUnique"]
      ).pipe(Effect.asVoid),
    consumerNames,
    deleteConsumer: (stream, name) =>
      tryNats({ operation: "deleteConsumer", stream }, () =>
        jsm.consumers.delete(stream, name).then(() => {}, ignoreNotFound)
      ),
    consume,
    kv: (spec) => openKv(control, controlJsm, spec),
    leaseRenewer: (bucket, settings) =>
      LeaseThread.make({ servers: options.servers, name: `${options.name}-leases`, bucket, settings }),
    deleteKv: (bucket) => deleteKv(jsm, bucket)
  }
  return shape
})

export const layer = (options: NatsBusOptions): Layer.Layer<Bus, BusError> => Layer.scoped(Bus, make(options))
