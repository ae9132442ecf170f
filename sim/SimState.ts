import { createHash, randomBytes, randomUUID } from "node:crypto"

/** Something the MSP did that Apple would refuse (or that Apple's rules forbid). */
export interface Violation {
  readonly at: string
  readonly path: string
  readonly rule: string
  readonly detail: string
  readonly status: number
  readonly messageId?: string
}

export interface StoredBlob {
  readonly bytes: Uint8Array
  readonly owner: string
  /** Base64; Apple's checksum algorithm is unknown, SHA-1 of the encrypted bytes stands in. */
  readonly checksum: string
}

export interface Failure {
  readonly path: string
  readonly status: number
  /** Sent as `Retry-After` (seconds) with the failure. */
  readonly retryAfterSeconds?: number
  remaining: number
}

export interface SimSettings {
  readonly mspId: string
  /** Base64 as Apple hands it out. */
  readonly secret: string
  readonly businessIds: ReadonlyArray<string>
  readonly skewSeconds: number
  /** Apple's answer to a send after the customer's `close` is unknown (docs/apple.md, "Open questions"). */
  readonly closedStatus: number
  readonly downloadTtlMs: number
  /**
   * A webhook that got no 2xx is sent again, same `id`, this many more times, this long apart.
   * Apple's retry policy is not documented (docs/apple.md, "Open questions"); Parley's 503 relies
   * on some retry, so the simulator makes one.
   */
  readonly resendAttempts: number
  readonly resendDelayMs: number
}

/** Everything the fake Apple remembers: its attachment store, failures to inject and the violations log. */
export class SimState {
  readonly violations: Array<Violation> = []
  readonly blobs = new Map<string, StoredBlob>()
  readonly uploads = new Map<string, { readonly url: string; readonly owner: string; readonly size: number }>()
  readonly downloads = new Map<string, { readonly url: string; readonly expires: number }>()
  readonly failures: Array<Failure> = []
  /** Injected per-customer status for `/message` (e.g. 404 for a customer Apple forgot). */
  readonly customerStatus = new Map<string, number>()
  /** `<destination-id> <id>` of every message a customer received: a resend is answered 200, not delivered again. */
  readonly delivered = new Set<string>()
  /** How often each message id was sent again after it had been delivered (crash-and-resend tests read it). */
  readonly resends = new Map<string, number>()
  /** The key of each blob Apple encrypted itself (the `dataRef`s it hands out carry none). */
  readonly keys = new Map<string, string>()
  baseUrl = ""
  /** The identity provider the business registered (its authorize URL and client id), if any. */
  identityProvider: { readonly authorizeUrl: string; readonly clientId: string } | undefined

  constructor(readonly settings: SimSettings) {}

  get key(): Uint8Array {
    return new Uint8Array(Buffer.from(this.settings.secret, "base64"))
  }

  violation(v: Omit<Violation, "at">): void {
    this.violations.push({ at: new Date().toISOString(), ...v })
  }

  /** Consumes one injected failure for this path, if any. */
  takeFailure(path: string): Failure | undefined {
    const failure = this.failures.find((f) => f.path === path && f.remaining > 0)
    if (failure === undefined) return undefined
    failure.remaining -= 1
    return failure
  }

  store(
    bytes: Uint8Array,
    owner = `M${randomBytes(8).toString("hex").toUpperCase()}`
  ): {
    readonly url: string
    readonly owner: string
    readonly checksum: string
  } {
    const url = `${this.baseUrl}/mmcs/blob/${randomUUID()}`
    const checksum = createHash("sha1").update(bytes).digest("base64")
    this.blobs.set(url, { bytes, owner, checksum })
    return { url, owner, checksum }
  }

  downloadUrl(url: string): string {
    const token = randomUUID()
    this.downloads.set(token, { url, expires: Date.now() + this.settings.downloadTtlMs })
    return `${this.baseUrl}/mmcs/download/${token}`
  }
}
