import type { WireCustomer, WireDevice, WireDeviceProfile, WireReply, WireThread } from "../../sim/SimControlWire.ts"

/** The device page's way to the simulated device: Parley's `/device/api`, which hands it to the simulator. */
const root = "/device/api"

export class DeviceApiError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message)
  }
}

const call = async <A>(method: "GET" | "POST", path: string, body?: unknown): Promise<A> => {
  const response = await fetch(`${root}/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  })
  const json: unknown = await response.json().catch(() => undefined)
  if (!response.ok) {
    const failure = json as { readonly error?: string; readonly status?: number } | undefined
    const because = failure?.status !== undefined ? ` (Parley answered ${failure.status})` : ""
    throw new DeviceApiError(
      `${failure?.error ?? `The simulator answered ${response.status}`}${because}`,
      response.status
    )
  }
  return json as A
}

const customerPath = (id: string) => `customers/${encodeURIComponent(id)}`

export type Thread = WireThread & { readonly rev: number }

export const devices = (): Promise<ReadonlyArray<WireDeviceProfile>> => call("GET", "devices")

export const open = (options: {
  readonly id?: string
  readonly device: WireDevice
  readonly capabilities?: ReadonlyArray<string>
  readonly email?: string
}): Promise<WireCustomer> => call("POST", "customers", options)

export const thread = (id: string, since: number): Promise<Thread> =>
  call("GET", `${customerPath(id)}/thread?since=${since}`)

export const say = (id: string, text: string): Promise<unknown> => call("POST", `${customerPath(id)}/say`, { text })

export const typing = (id: string, on: boolean): Promise<unknown> =>
  call("POST", `${customerPath(id)}/typing`, { typing: on })

export const reply = (id: string, messageId: string, answer: WireReply): Promise<unknown> =>
  call("POST", `${customerPath(id)}/messages/${encodeURIComponent(messageId)}/reply`, answer)

export const close = (id: string): Promise<unknown> => call("POST", `${customerPath(id)}/close`)

export const attach = (
  id: string,
  file: { readonly name: string; readonly mimeType: string; readonly data: string }
): Promise<unknown> => call("POST", `${customerPath(id)}/attachments`, file)

/** Where the page loads a file the business sent (the path comes from the thread). */
export const attachmentUrl = (path: string): string => `${root}/${path}`
