import { Schema } from "effect"
import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"
import type { DbError } from "../../db/DbError.ts"
import { type Forbidden, type Throttled, type Unauthenticated, wrongLogin } from "../auth/AuthError.ts"
import type { Conflict, InvalidRequest, NotFound, TooLarge, Unavailable, UnsupportedType } from "./ApiFailure.ts"

/**
 * The machine codes of the REST API. Codes never change meaning; clients switch on them, and the
 * message is for people.
 */
export const ErrorCode = Schema.Literal(
  "invalid_request",
  "unauthenticated",
  "forbidden",
  "not_found",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "too_many_requests",
  "unavailable",
  "internal"
)
export type ErrorCode = typeof ErrorCode.Type

/** The one JSON error shape of the REST API. */
export const ErrorBody = Schema.Struct({
  error: Schema.Struct({ code: ErrorCode, message: Schema.String })
}).annotations({ identifier: "Error", description: "Every failure: a stable `code` and a human `message`" })
export type ErrorBody = typeof ErrorBody.Type

export const statusOf: Record<ErrorCode, ContentfulStatusCode> = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500
}

const encodeError = Schema.encodeSync(ErrorBody)

export const apiError = (c: Context, status: ContentfulStatusCode, code: ErrorCode, message: string) =>
  c.json(encodeError({ error: { code, message } }), status)

/** Everything a handler may fail with. */
export type ApiFailure =
  | InvalidRequest
  | NotFound
  | Conflict
  | Forbidden
  | Unauthenticated
  | Throttled
  | TooLarge
  | UnsupportedType
  | Unavailable
  | DbError

/** SQLSTATE classes that mean "not now" rather than "never": connection, resources, shutdown, serialization. */
const retryable = /^(08|53|57|40)/

export interface Described {
  readonly code: ErrorCode
  readonly message: string
}

/**
 * A failure as the client sees it. Database failures say only what kind they are: an integrity
 * violation is a conflict, bad data a bad request, a lost connection or an overloaded server 503
 * (retry); the driver's details never reach the client.
 */
export const describe = (failure: ApiFailure): Described => {
  switch (failure._tag) {
    case "InvalidRequest":
      return { code: "invalid_request", message: failure.message }
    case "Unauthenticated":
      // A wrong password at sign-in is said as such; a token's trouble (expired, forged) stays unsaid.
      return {
        code: "unauthenticated",
        message: failure.reason === wrongLogin ? wrongLogin : "sign in first: a valid bearer token is needed"
      }
    case "Forbidden":
      return { code: "forbidden", message: failure.reason }
    case "Throttled":
      return { code: "too_many_requests", message: `${failure.reason}; retry after ${failure.retryAfterSeconds} s` }
    case "NotFound":
      return { code: "not_found", message: `no such ${failure.entity}` }
    case "Conflict":
      return { code: "conflict", message: failure.message }
    case "TooLarge":
      return { code: "payload_too_large", message: failure.message }
    case "UnsupportedType":
      return { code: "unsupported_media_type", message: failure.message }
    case "Unavailable":
      return { code: "unavailable", message: failure.message }
    case "DbError":
      if (failure.code?.startsWith("23")) return { code: "conflict", message: "the change conflicts with stored data" }
      if (failure.code?.startsWith("22")) return { code: "invalid_request", message: "a value is out of range" }
      if (failure.code === undefined || retryable.test(failure.code))
        return { code: "unavailable", message: "the database is unavailable, retry shortly" }
      return { code: "internal", message: "internal error" }
  }
}
