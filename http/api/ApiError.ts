import type { Context } from "hono"
import type { ContentfulStatusCode } from "hono/utils/http-status"

/**
 * The one JSON error shape of the REST API: a stable machine `code` and a human `message`.
 * Codes never change meaning; clients switch on them.
 */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string }
}

export const apiError = (c: Context, status: ContentfulStatusCode, code: string, message: string) =>
  c.json<ApiErrorBody>({ error: { code, message } }, status)
