import { Schema } from "effect"
import { ErrorBody } from "../../http/api/ApiError.ts"

/** Why a REST call failed, in the API's own words: its stable `code` and a one-line `message`. */
export class ApiProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number
  ) {
    super(message)
  }
}

const decodeError = Schema.decodeUnknownOption(ErrorBody)

export interface Call {
  readonly method?: "GET" | "POST" | "PATCH"
  readonly body?: unknown
  readonly token?: string | undefined
}

/** Calls `/api<path>`; the answer is JSON, or an `ApiProblem` saying what went wrong in one line. */
export const api = async <T>(path: string, call: Call = {}): Promise<T> => {
  const headers: Record<string, string> = {}
  if (call.token !== undefined) headers.authorization = `Bearer ${call.token}`
  if (call.body !== undefined) headers["content-type"] = "application/json"
  let response: Response
  try {
    response = await fetch(`/api${path}`, {
      method: call.method ?? "GET",
      headers,
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {})
    })
  } catch {
    throw new ApiProblem("unavailable", "Parley cannot be reached; check your connection and retry.", 0)
  }
  const json: unknown = await response.json().catch(() => undefined)
  if (response.ok) return json as T
  const problem = decodeError(json)
  if (problem._tag === "Some")
    throw new ApiProblem(problem.value.error.code, problem.value.error.message, response.status)
  throw new ApiProblem("internal", "Parley could not answer; retry shortly.", response.status)
}

/** A query string of the defined values. */
export const query = (values: Readonly<Record<string, string | number | undefined>>): string => {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== "") params.set(k, String(v))
  const text = params.toString()
  return text === "" ? "" : `?${text}`
}
