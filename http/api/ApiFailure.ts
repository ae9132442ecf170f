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

/** The body is over the size the route takes. 413. */
export class TooLarge extends Schema.TaggedError<TooLarge>()("TooLarge", {
  message: Schema.String
}) {}

/** The body's content type is not one the route takes. 415. */
export class UnsupportedType extends Schema.TaggedError<UnsupportedType>()("UnsupportedType", {
  message: Schema.String
}) {}

/** A service behind the route (the file store) could not answer; retry. 503. */
export class Unavailable extends Schema.TaggedError<Unavailable>()("Unavailable", {
  message: Schema.String
}) {}
