import { verifyMspToken } from "./SimJwt.ts"
import type { SimState } from "./SimState.ts"

export interface Refusal {
  readonly status: number
  readonly rule: string
  readonly detail: string
}

/** Apple's check of an MSP request: 401 without `Authorization`, 403 when the token fails (docs/apple.md, "Sending"). */
export const checkAuthorization = async (state: SimState, header: string | null): Promise<Refusal | undefined> => {
  if (header === null || header.length === 0)
    return { status: 401, rule: "authorization-missing", detail: "no Authorization header" }
  const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header.trim())?.[1]
  const outcome =
    token === undefined
      ? "Authorization is not 'Bearer <jwt>'"
      : await verifyMspToken(token, {
          key: state.key,
          mspId: state.settings.mspId,
          nowSeconds: Math.floor(Date.now() / 1000),
          skewSeconds: state.settings.skewSeconds
        })
  return outcome === undefined ? undefined : { status: 403, rule: "authorization-invalid", detail: outcome }
}

/** `source-id` on every `/v1` call must be a business of this MSP. */
export const checkBusiness = (state: SimState, sourceId: string | null): Refusal | undefined =>
  sourceId === null || sourceId.length === 0
    ? { status: 400, rule: "header-missing", detail: "source-id is required" }
    : state.settings.businessIds.includes(sourceId)
      ? undefined
      : { status: 400, rule: "unknown-business", detail: "source-id is not a business of this MSP" }
