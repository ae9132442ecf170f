import { Effect } from "effect"
import type { SignInAnswer, SignInReady } from "./ConversationProtocol.ts"
import type { SignIn } from "./ConversationState.ts"
import * as Identification from "./Identification.ts"

/**
 * When an Apple sign-in completes, and the provider's part of it. A sign-in completes once the
 * customer's reply has come and, for AUTH2, the authorization code too (in either order). Asking
 * the provider is HTTP, which a transactional turn may not make (runtime/CallOut.ts): the turn
 * tells the conversation `SignInReady`, whose `prepare` step asks, and whose turn links the
 * customer (actors/conversation/Conversation.ts).
 */

/** What just came for a sign-in in flight: the device's reply, or the code at our redirect URI. */
export type SignInEvent =
  | { readonly _tag: "Reply"; readonly authenticated: boolean; readonly token: string | undefined }
  | { readonly _tag: "Code"; readonly code: string }

export type SignInStep =
  /** Not complete yet: keep `signIn` and wait for the rest. */
  | { readonly _tag: "Wait"; readonly signIn: SignIn }
  /** Complete: keep `signIn` (answered) until `ready`, told to the conversation itself, is handled. */
  | { readonly _tag: "Ready"; readonly signIn: SignIn; readonly ready: typeof SignInReady.Type }

/** The sign-in once answered: the key and code travel with `SignInReady` and are not kept (single-use). */
const answered = ({ privateKey: _key, code: _code, ...rest }: SignIn): SignIn => ({ ...rest, replied: true })

const ready = (signIn: SignIn, token: string | undefined): SignInStep => ({
  _tag: "Ready",
  signIn: answered(signIn),
  ready: {
    _tag: "SignInReady",
    state: signIn.state,
    ...(token !== undefined ? { token } : {}),
    ...(signIn.privateKey !== undefined ? { privateKey: signIn.privateKey } : {}),
    ...(signIn.code !== undefined ? { code: signIn.code } : {})
  }
})

/** The one decision of when a sign-in completes, for a reply and for a code alike. */
export const step = (signIn: SignIn, event: SignInEvent): SignInStep => {
  if (event._tag === "Code") {
    const withCode: SignIn = { ...signIn, code: event.code }
    return signIn.replied ? ready(withCode, undefined) : { _tag: "Wait", signIn: withCode }
  }
  // Declined or failed on the device: complete with nothing to exchange, so it fails as such.
  if (!event.authenticated) return ready(answered(signIn), undefined)
  // AUTH2's reply may come before the code: wait for it.
  if (event.token === undefined && signIn.code === undefined && signIn.privateKey === undefined)
    return { _tag: "Wait", signIn: { ...signIn, replied: true } }
  return ready(signIn, event.token)
}

/**
 * The `prepare` step of `SignInReady`: the access token (decrypted, or exchanged from the code),
 * then the e-mail claims it buys, as `answer`. The provider's answers are never logged.
 */
export const prepare = (message: typeof SignInReady.Type) =>
  Identification.accessTokenOf(message).pipe(
    Effect.flatMap(Identification.claimsOf),
    Effect.map((claims): SignInAnswer => ({ _tag: "Claims", ...claims })),
    Effect.catchTag("SignInFailed", (e) => Effect.succeed<SignInAnswer>({ _tag: "Failed", reason: e.reason })),
    Effect.map((answer): typeof SignInReady.Type => ({ ...message, answer }))
  )
