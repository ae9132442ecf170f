/**
 * A token bucket: `burst` tokens at most, refilled at `perSecond`. Each frame a socket sends takes
 * one; a socket with none left is over its rate. `now` is injected so tests need no clock.
 */
export interface TokenBucket {
  /** Takes a token if there is one. */
  readonly take: (now: number) => boolean
}

export const make = (options: { readonly perSecond: number; readonly burst: number }, now: number): TokenBucket => {
  let tokens = options.burst
  let at = now
  return {
    take: (time) => {
      tokens = Math.min(options.burst, tokens + ((time - at) / 1000) * options.perSecond)
      at = time
      if (tokens < 1) return false
      tokens -= 1
      return true
    }
  }
}
