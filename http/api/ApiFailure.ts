import { Schema } from "effect"

/** Why a REST call could not be served, as the handlers say it; `ApiError` turns each into a status and code. */

/** The request does not decode (body, query or path), or names something that cannot be used. 400. */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>()("InvalidRequest", {
  message: Schema.String
}) {}

/** No such record, or one the caller may not see: the two look the same so existence does not leak. 404. */
export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", {
  entity: Schema.String
}) {}

/** The request contradicts the data as it is (e.g. an interaction of another customer). 409. */
export class Conflict extends Schema.TaggedError<Conflict>()("Conflict", {
  message: Schema.String
}) {}
