import { Context, Effect, Layer, Option, Runtime, type Scope } from "effect"
import * as AttachmentConfig from "../../actors/attachments/AttachmentConfig.ts"
import { Db } from "../../db/Db.ts"
import { DbError } from "../../db/DbError.ts"
import type { RoleName } from "../../db/schema/users.ts"
import * as Api from "../../http/api/Api.ts"
import * as AuthConfig from "../../http/auth/AuthConfig.ts"
import * as Authenticator from "../../http/auth/Authenticator.ts"
import * as SessionTokens from "../../http/auth/SessionTokens.ts"
import * as SignInThrottle from "../../http/auth/SignInThrottle.ts"
import * as HttpConfig from "../../http/HttpConfig.ts"
import * as Site from "../../http/Site.ts"
import type { ActorSystem } from "../../runtime/ActorSystem.ts"
import * as MemoryBus from "../../runtime/MemoryBus.ts"
import * as MemoryObjectStore from "../../runtime/MemoryObjectStore.ts"
import * as RuntimeConfig from "../../runtime/RuntimeConfig.ts"

/** A database that refuses every connection, as during a PostgreSQL restart. */
const downDb = Layer.succeed(Db, {
  describe: "down",
  kind: "postgres",
  use: (operation) => Effect.fail(new DbError({ operation, message: "connect ECONNREFUSED 127.0.0.1:5432" })),
  write: (operation) => Effect.fail(new DbError({ operation, message: "connect ECONNREFUSED 127.0.0.1:5432" })),
  append: (batch) =>
    Effect.fail(new DbError({ operation: batch.operation, message: "connect ECONNREFUSED 127.0.0.1:5432" })),
  transaction: (effect) => effect,
  ping: Effect.fail(new DbError({ operation: "ping", message: "connect ECONNREFUSED 127.0.0.1:5432" }))
})

/**
 * The REST API mounted on its own over a database that is down, answering in-process
 * (`app.request`), with a session token for a user of `roles`. The routes tried with it fail
 * before they need the database or the actor system, so the runtime carries no actor system.
 */
export const apiOverDownDb = (roles: ReadonlyArray<RoleName>) =>
  Effect.gen(function* () {
    const services = Layer.mergeAll(
      Authenticator.layer,
      SignInThrottle.layer,
      HttpConfig.layer(),
      Site.layer(Option.none()),
      MemoryObjectStore.layer,
      AttachmentConfig.layer()
    ).pipe(
      Layer.provideMerge(SessionTokens.layer),
      Layer.provide(MemoryBus.layer),
      Layer.provide(RuntimeConfig.layer()),
      Layer.provideMerge(downDb),
      Layer.provide(AuthConfig.layer())
    )
    const runtime = yield* Layer.toRuntime(services)
    const app = Api.routes(
      Runtime.make({
        context: Context.merge(Context.unsafeMake<ActorSystem>(new Map()), runtime.context),
        runtimeFlags: runtime.runtimeFlags,
        fiberRefs: runtime.fiberRefs
      })
    )
    const { token } = yield* SessionTokens.SessionTokens.pipe(
      Effect.flatMap((tokens) =>
        tokens.issue({ userId: crypto.randomUUID(), login: "sam.manager", displayName: "Sam", roles })
      ),
      Effect.provide(runtime)
    )
    return { app, token }
  }) satisfies Effect.Effect<unknown, unknown, Scope.Scope>
