import { Clock, Data, Effect, Schedule, Schema } from "effect"
import { AppleConfig } from "../../apple/AppleConfig.ts"
import { decryptAuthToken, generateAuthKeyPair } from "../../apple/AppleCrypto.ts"
import * as Authentication from "../../apple/Authentication.ts"
import { interactive } from "../../apple/OutboundMessage.ts"
import type { CustomerRef } from "../../db/queries/CustomerRef.ts"
import { findCustomer, findCustomerByEmail } from "../../db/queries/customers.ts"
import { findIdentity, linkIdentity } from "../../db/queries/identities.ts"
import { PublicLinks } from "../PublicLinks.ts"
import type { SignIn } from "./ConversationState.ts"
import * as SignInState from "./SignInState.ts"

/**
 * Who the customer is: the opaque id linked to a contact or consumer, or an Apple sign-in (the
 * identity provider's e-mail matched to a customer, then linked so the next chat knows them).
 */

export const identify = Effect.fn("Conversation.identify")(function* (businessId: string, opaqueId: string) {
  const linked = yield* findIdentity(businessId, opaqueId)
  return linked?.customer
})

export const profileOf = (customer: CustomerRef | undefined) =>
  customer === undefined ? Effect.succeed(undefined) : findCustomer(customer)

export const canSignIn = (capabilities: ReadonlyArray<string>) =>
  capabilities.includes("AUTH2") || capabilities.includes("AUTH")

/** The redirect URI of AUTH2 sign-ins (served by `http/pages`). */
export const callbackPath = "/auth/apple/callback"

/** The sign-in request to send (AUTH2 preferred, as Apple requires; legacy AUTH otherwise). */
export const signInRequest = Effect.fn("Conversation.signInRequest")(function* (
  conversationId: string,
  capabilities: ReadonlyArray<string>,
  topic: string | undefined
) {
  const links = yield* PublicLinks
  const state = yield* SignInState.sign(conversationId, yield* Clock.currentTimeMillis)
  const common = { title: "Sign in to Parley", replyTitle: "You Signed In", scope: ["openid", "email"], state }
  if (capabilities.includes("AUTH2")) {
    const built = Authentication.make({ ...common, redirectURI: `${links.baseUrl}${callbackPath}` })
    const pending: SignIn = {
      state,
      requestIdentifier: built.data.requestIdentifier,
      replied: false,
      ...(topic !== undefined ? { topic } : {})
    }
    return { content: interactive(built), pending }
  }
  const keys = generateAuthKeyPair()
  const built = Authentication.make({ ...common, responseEncryptionKey: keys.publicKey })
  const pending: SignIn = {
    state,
    requestIdentifier: built.data.requestIdentifier,
    privateKey: keys.privateKey,
    replied: false,
    ...(topic !== undefined ? { topic } : {})
  }
  return { content: interactive(built), pending }
})

export class SignInFailed extends Data.TaggedError("SignInFailed")<{ readonly reason: string }> {}

const TokenResponse = Schema.Struct({ access_token: Schema.String })
const UserInfo = Schema.Struct({ email: Schema.String })

/**
 * The business's identity provider. Apple has no field for it (it is registered in Apple Business
 * Register); we use `/idp` beside the gateway base, which is where the simulator serves it.
 */
const idpUrl = (path: "token" | "userinfo") =>
  Effect.map(AppleConfig, (config) => new URL(`/idp/${path}`, config.apiBase).toString())

const retry = Schedule.exponential("200 millis").pipe(Schedule.intersect(Schedule.recurs(2)))

const fetchJson = <A, I>(schema: Schema.Schema<A, I>, url: string, init: RequestInit) =>
  Effect.tryPromise({
    try: async (signal) => {
      const response = await fetch(url, { ...init, signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]) })
      if (!response.ok) throw new Error(`status ${response.status}`)
      return (await response.json()) as unknown
    },
    catch: (cause) => new SignInFailed({ reason: `${new URL(url).pathname}: ${String(cause)}` })
  }).pipe(
    Effect.retry(retry),
    Effect.flatMap(Schema.decodeUnknown(schema)),
    Effect.mapError((e) => (e._tag === "SignInFailed" ? e : new SignInFailed({ reason: "unexpected answer" })))
  )

const exchangeCode = Effect.fn("Conversation.exchangeCode")(function* (code: string) {
  const links = yield* PublicLinks
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: `${links.baseUrl}${callbackPath}`
  })
  const token = yield* fetchJson(TokenResponse, yield* idpUrl("token"), { method: "POST", body })
  return token.access_token
})

/** The access token of a sign-in reply: decrypted (legacy AUTH) or exchanged from the code (AUTH2). */
export const accessTokenOf = Effect.fn("Conversation.accessTokenOf")(function* (
  signIn: SignIn,
  token: string | undefined
) {
  if (token !== undefined && signIn.privateKey !== undefined) {
    return yield* decryptAuthToken(token, signIn.privateKey).pipe(
      Effect.mapError(() => new SignInFailed({ reason: "token does not decrypt" }))
    )
  }
  if (signIn.code !== undefined) return yield* exchangeCode(signIn.code)
  return yield* new SignInFailed({ reason: "no authorization code arrived" })
})

/** The customer behind an access token, linked to the opaque id (method `authentication`). */
export const linkSignedIn = Effect.fn("Conversation.linkSignedIn")(function* (
  businessId: string,
  opaqueId: string,
  accessToken: string
) {
  const info = yield* fetchJson(UserInfo, yield* idpUrl("userinfo"), {
    headers: { authorization: `Bearer ${accessToken}` }
  })
  const customer = yield* findCustomerByEmail(info.email)
  if (customer === undefined) return undefined
  yield* linkIdentity({ businessId, opaqueId, customer, method: "authentication" })
  return customer
})
