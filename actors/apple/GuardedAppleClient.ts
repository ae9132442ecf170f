import { Effect } from "effect"
import { AppleClient } from "../../apple/AppleClient.ts"
import { callOut } from "../../runtime/CallOut.ts"

type Shape = AppleClient["Type"]

/**
 * The Apple client as actors obtain it: every call is a call-out (runtime/CallOut.ts), refused
 * inside a transactional turn. `apple/` may not import the runtime, so the guard is put on here,
 * around the whole service where actors take it, not at each call site: a call an actor adds later
 * is guarded too, and a method added to `AppleClient` fails to compile here until it is.
 * Actors take the client only through `appleClient` (test/apple/GuardedAppleClient.test.ts checks).
 */
const guard = (apple: Shape): Shape => ({
  send: (to, content, options) => callOut("apple: send", apple.send(to, content, options)),
  uploadAttachment: (businessId, file) => callOut("apple: uploadAttachment", apple.uploadAttachment(businessId, file)),
  downloadAttachment: (businessId, attachment) =>
    callOut("apple: downloadAttachment", apple.downloadAttachment(businessId, attachment)),
  resolveDataRef: (businessId, ref) => callOut("apple: resolveDataRef", apple.resolveDataRef(businessId, ref)),
  decodePayload: (businessId, bid, blob) => callOut("apple: decodePayload", apple.decodePayload(businessId, bid, blob)),
  uploadInteractive: (businessId, data) =>
    callOut("apple: uploadInteractive", apple.uploadInteractive(businessId, data))
})

// One guarded copy per client (a node has one): a send per message does not build it again.
const guarded = new WeakMap<Shape, Shape>()

export const appleClient: Effect.Effect<Shape, never, AppleClient> = Effect.map(AppleClient, (apple) => {
  const known = guarded.get(apple)
  if (known !== undefined) return known
  const made = guard(apple)
  guarded.set(apple, made)
  return made
})
