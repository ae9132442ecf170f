import { jetstreamManager } from "@nats-io/jetstream"
import { connect } from "@nats-io/transport-node"
import { Effect, type Scope } from "effect"

/**
 * Deletes, when the scope closes, every stream and key/value bucket a test run made under
 * `prefix` (streams `<PREFIX>_…`, buckets `KV_<prefix>_…` and `OBJ_<prefix>_…`), so the shared server's storage
 * reservations do not pile up run after run.
 */
export const removeOnClose = (
  prefix: string,
  servers: ReadonlyArray<string> = [process.env.NATS_URL ?? "nats://127.0.0.1:4222"]
) =>
  Effect.addFinalizer(() =>
    Effect.promise(async () => {
      const nc = await connect({ servers: [...servers] })
      try {
        const jsm = await jetstreamManager(nc)
        const streamPrefix = `${prefix}_`.toUpperCase()
        const bucketPrefix = `KV_${prefix}_`
        const objectPrefix = `OBJ_${prefix}_`
        const names: Array<string> = []
        for await (const info of jsm.streams.list()) {
          const name = info.config.name
          if (name.startsWith(streamPrefix) || name.startsWith(bucketPrefix) || name.startsWith(objectPrefix))
            names.push(name)
        }
        for (const name of names) await jsm.streams.delete(name).catch(() => false)
      } finally {
        await nc.close()
      }
    }).pipe(Effect.ignore)
  ) satisfies Effect.Effect<void, never, Scope.Scope>
