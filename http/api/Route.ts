import { Effect, Schema, type SchemaAST } from "effect"
import type { Context as HonoContext } from "hono"
import type { AttachmentConfig } from "../../actors/attachments/AttachmentConfig.ts"
import type { Db } from "../../db/Db.ts"
import type { ActorSystem } from "../../runtime/ActorSystem.ts"
import type { ObjectStore } from "../../runtime/ObjectStore.ts"
import type { Authenticator } from "../auth/Authenticator.ts"
import type { Principal } from "../auth/Principal.ts"
import type { SignInThrottle } from "../auth/SignInThrottle.ts"
import type { HttpConfig } from "../HttpConfig.ts"
import { oneLine } from "../InputError.ts"
import type { Site } from "../Site.ts"
import type { ApiFailure, ErrorCode } from "./ApiError.ts"
import { InvalidRequest } from "./ApiFailure.ts"

/** What REST handlers run with. */
export type ApiServices =
  | Authenticator
  | SignInThrottle
  | Db
  | ActorSystem
  | HttpConfig
  | Site
  | ObjectStore
  | AttachmentConfig

export type Method = "get" | "post" | "patch"

/** The kinds of caller README.md's roles distinguish; a manager is an agent too. */
export type Audience = "customer" | "agent" | "manager"

/** Who may call a route: anyone, any signed-in user, or signed-in users of the listed audiences. */
export type Access = "public" | "signedIn" | ReadonlyArray<Audience>

/** A request as it arrived: path parameters and query as strings, the body as parsed JSON. */
export interface RawRequest {
  readonly params: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string>>
  readonly body: unknown
  /** The caller's address (`ClientAddress`), for per-address limits. */
  readonly client: string
}

/**
 * One REST route, with its types erased: the router mounts it and the OpenAPI document describes
 * it, both from this one value, so the two cannot drift.
 */
export interface Route {
  readonly method: Method
  /** Hono's form, relative to `/api`: `/cases/:id`. */
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly access: Access
  readonly status: 200 | 201
  /** Failures beyond those every route may give (400, 401, 403, 503), e.g. `not_found`. */
  readonly errors: ReadonlyArray<ErrorCode>
  readonly schemas: {
    readonly params: SchemaAST.AST | undefined
    readonly query: SchemaAST.AST | undefined
    readonly body: SchemaAST.AST | undefined
    readonly response: SchemaAST.AST
  }
  /**
   * Set for a route whose request or answer is bytes rather than JSON (attachments): it reads the
   * request and builds the response itself, after the router's token and role checks; `run`
   * only decodes its parameters.
   */
  readonly raw?: RawHandling
  /** Decodes the request, runs the handler and encodes its answer (JSON-ready). */
  readonly run: (
    request: RawRequest,
    principal: Principal | undefined
  ) => Effect.Effect<unknown, ApiFailure, ApiServices>
}

export interface RawHandling {
  /** The request body's media type for the OpenAPI document; none: no body. */
  readonly requestType?: string
  /** The answer's media type; `application/json` answers are described by `schemas.response`. */
  readonly responseType: string
  readonly handle: (
    c: HonoContext,
    principal: Principal,
    params: Readonly<Record<string, string>>
  ) => Effect.Effect<Response, ApiFailure, ApiServices>
}

export interface Input<Who, P, Q, B> {
  readonly principal: Who
  readonly params: P
  readonly query: Q
  readonly body: B
  readonly client: string
}

interface Spec<Who, P, PI, Q, QI, B, BI, R, RI> {
  readonly method: Method
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly status?: 200 | 201
  readonly errors?: ReadonlyArray<ErrorCode>
  readonly params?: Schema.Schema<P, PI>
  readonly query?: Schema.Schema<Q, QI>
  readonly body?: Schema.Schema<B, BI>
  readonly response: Schema.Schema<R, RI>
  readonly handler: (input: Input<Who, P, Q, B>) => Effect.Effect<R, ApiFailure, ApiServices>
}

const decode = <A, I>(where: string, schema: Schema.Schema<A, I> | undefined, value: unknown) =>
  schema === undefined
    ? Effect.succeed(undefined as A)
    : Effect.suspend(() => Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "error" })(value)).pipe(
        Effect.mapError((e) => new InvalidRequest({ message: oneLine(e, { where }) })),
        // Effect's union decoding throws on a value whose own toString is not a function: bad input all the same.
        Effect.catchAllDefect(() => Effect.fail(new InvalidRequest({ message: `${where}: could not be read` })))
      )

const make = <Who, P, PI, Q, QI, B, BI, R, RI>(
  spec: Spec<Who, P, PI, Q, QI, B, BI, R, RI>,
  access: Access,
  who: (principal: Principal | undefined) => Who
): Route => ({
  method: spec.method,
  path: spec.path,
  tag: spec.tag,
  summary: spec.summary,
  access,
  status: spec.status ?? 200,
  errors: spec.errors ?? [],
  schemas: {
    params: spec.params?.ast,
    query: spec.query?.ast,
    body: spec.body?.ast,
    response: spec.response.ast
  },
  run: (request, principal) =>
    Effect.gen(function* () {
      const params = yield* decode("path", spec.params, request.params)
      const query = yield* decode("query", spec.query, request.query)
      const body = yield* decode("body", spec.body, request.body)
      const result = yield* spec.handler({ principal: who(principal), params, query, body, client: request.client })
      // A handler returning what its own Schema rejects is a bug: a defect (500), not the client's fault.
      return yield* Schema.encode(spec.response)(result).pipe(Effect.orDie)
    })
})

/** A route for signed-in callers; the router has checked the token and `access` before it runs. */
export const route = <P, PI, Q, QI, B, BI, R, RI>(
  spec: Spec<Principal, P, PI, Q, QI, B, BI, R, RI> & { readonly access: "signedIn" | ReadonlyArray<Audience> }
): Route =>
  make(spec, spec.access, (principal) => {
    if (principal === undefined) throw new Error(`route ${spec.path} ran without a principal`)
    return principal
  })

/** A route anyone may call, without a token (sign-in, public knowledge, the API's description). */
export const publicRoute = <P, PI, Q, QI, B, BI, R, RI>(spec: Spec<undefined, P, PI, Q, QI, B, BI, R, RI>): Route =>
  make(spec, "public", () => undefined)

/**
 * A signed-in route that reads or answers bytes: `params` is decoded (400 on failure) and
 * described like any route's; `raw.handle` does the rest.
 */
export const rawRoute = <P, PI, R, RI>(spec: {
  readonly method: Method
  readonly path: string
  readonly tag: string
  readonly summary: string
  readonly access: ReadonlyArray<Audience>
  readonly status?: 200 | 201
  readonly errors?: ReadonlyArray<ErrorCode>
  readonly params: Schema.Schema<P, PI>
  /** Described in the document; the handler decodes it itself. */
  readonly query?: Schema.Schema.Any
  /** The JSON answer's Schema, when the answer is JSON. */
  readonly response?: Schema.Schema<R, RI>
  readonly raw: RawHandling
}): Route => ({
  method: spec.method,
  path: spec.path,
  tag: spec.tag,
  summary: spec.summary,
  access: spec.access,
  status: spec.status ?? 200,
  errors: spec.errors ?? [],
  schemas: {
    params: spec.params.ast,
    query: spec.query?.ast,
    body: undefined,
    response: (spec.response ?? Schema.Unknown).ast
  },
  raw: spec.raw,
  run: (request) => decode("path", spec.params, request.params)
})
