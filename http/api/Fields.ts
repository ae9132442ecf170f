import { Schema } from "effect"
import { CustomerRef } from "../../db/queries/CustomerRef.ts"

/** Request and response pieces several resources share. */

/** An instant: ISO 8601 on the wire. */
export const Timestamp = Schema.Date.annotations({ jsonSchema: { type: "string", format: "date-time" } })

/** A `Timestamp` with its meaning in the generated document (a transformation shows only its `jsonSchema`). */
export const timestamp = (description: string) =>
  Schema.Date.annotations({ description, jsonSchema: { type: "string", format: "date-time", description } })

export const Id = Schema.UUID.annotations({ identifier: "Id" })

export const IdParams = Schema.Struct({ id: Id })

export const Limit = Schema.optionalWith(
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(1, 200)).annotations({
    description: "page size, 1–200 (default 50)"
  }),
  { default: () => 50 }
)

export const Offset = Schema.optionalWith(
  Schema.NumberFromString.pipe(Schema.int(), Schema.between(0, 100_000)).annotations({
    description: "rows to skip (default 0)"
  }),
  { default: () => 0 }
)

export const Customer = CustomerRef.annotations({
  identifier: "CustomerRef",
  description: "A contact (of an account) or a consumer"
})

/** An opening time of an interaction window: `from` inclusive, `to` exclusive. */
export const TimeRange = {
  from: Schema.optional(timestamp("opened at or after (inclusive)")),
  to: Schema.optional(timestamp("opened before (exclusive)"))
}
