import { Schema } from "effect"

/** No valid credentials: a missing, expired, forged or revoked token, or a wrong password. 401. */
export class Unauthenticated extends Schema.TaggedError<Unauthenticated>()("Unauthenticated", {
  reason: Schema.String
}) {}

/** The sign-in's reason when the login or password is wrong: the one the client is told as it is. */
export const wrongLogin = "wrong login or password"

/** Valid credentials, but the caller's roles do not allow this. 403. */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", {
  reason: Schema.String
}) {}

/** Too many recent attempts from this account or address; try again after `retryAfterSeconds`. 429. */
export class Throttled extends Schema.TaggedError<Throttled>()("Throttled", {
  reason: Schema.String,
  retryAfterSeconds: Schema.Int
}) {}
