import { Data } from "effect"

/**
 * The one error the database layer fails with. It keeps the SQLSTATE code, the constraint and the
 * server's message, and never the query parameters or the error `detail`: both carry customer data
 * (transcripts, names, phone numbers) that must not reach logs.
 */
export class DbError extends Data.TaggedError("DbError")<{
  readonly operation: string
  /** SQLSTATE, e.g. `23505` for a unique violation; absent for connection-level failures. */
  readonly code?: string
  readonly constraint?: string
  readonly message: string
}> {
  get isUniqueViolation(): boolean {
    return this.code === "23505"
  }

  get isSerializationFailure(): boolean {
    return this.code === "40001" || this.code === "40P01"
  }

  static fromUnknown(operation: string, error: unknown): DbError {
    const root = rootCause(error)
    const code = stringField(root, "code")
    const constraint = stringField(root, "constraint_name") ?? stringField(root, "constraint")
    const message =
      root instanceof Error && !root.message.startsWith("Failed query") ? root.message : "database query failed"
    return new DbError({
      operation,
      message,
      ...(code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? { code } : {}),
      ...(constraint !== undefined ? { constraint } : {})
    })
  }
}

const rootCause = (error: unknown): unknown => {
  let current = error
  for (let i = 0; i < 5 && current instanceof Error && current.cause !== undefined; i++) current = current.cause
  return current
}

const stringField = (value: unknown, field: string): string | undefined => {
  if (typeof value !== "object" || value === null || !(field in value)) return undefined
  const found: unknown = Reflect.get(value, field)
  return typeof found === "string" ? found : undefined
}
