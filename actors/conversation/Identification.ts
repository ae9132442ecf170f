import { Clock, Data, Effect, Option, Redacted, Schedule, Schema } from "effect"
import { decryptAuthToken, generateAuthKeyPair } from "../../apple/AppleCrypto.ts"
import * as Authentication from "../../apple/Authentication.ts"
import { interactive } from "../../apple/OutboundMessage.ts"
import type { CustomerRef } from "../../db/queries/CustomerRef.ts"
import { findCustomer, findCustomerByEmail } from "../../db/queries/customers.ts"
import { findIdentity, linkIdentity } from "../../db/queries/identities.ts"
import { callOut } from "../../runtime/CallOut.ts"
import { PublicLinks } from "../PublicLinks.ts"
import type { SignIn } from "./ConversationState.ts"
import { defaultScopes, IdentityProvider } from "./IdentityProvider.ts"
import * as SignInState from "./SignInState.ts"

/**
 * Who the customer is: the opaque id linked to a contact or consumer, or an Apple sign-in (the
 * identity provider's e-mail matched to a customer, then linked so the next chat knows them).
 */

export const identify = Effect.fnUntraced(function* (businessId: string, opaqueId: string) {
  const linked = yield* findIdentity(businessId, opaqueId)
  return linked?.customer
})

export const profileOf = (customer: CustomerRef | undefined) =>
  customer === undefined ? Effect.succeed(undefined) : findCustomer(customer)

/** Sign-in needs a device that can show it and an identity provider to ask who signed in. */
export const canSignIn = (capabilities: ReadonlyArray<string>, providerConfigured: boolean) =>
  providerConfigured && (capabilities.includes("AUTH2") || capabilities.includes("AUTH"))

/** The redirect URI of AUTH2 sign-ins (served by `http/pages`). */
export const callbackPath = "/auth/apple/callback"

/** The sign-in request to send (AUTH2 preferred, as Apple requires; legacy AUTH otherwise). */
export const signInRequest = Effect.fnUntraced(function* (
  conversationId: string,
  capabilities: ReadonlyArray<string>,
  topic: string | undefined
) {
  const links = yield* PublicLinks
  const provider = yield* IdentityProvider
  const scope = Option.match(provider, { onNone: () => defaultScopes, onSome: (p) => p.scopes })
  const state = yield* SignInState.sign(conversationId, yield* Clock.currentTimeMillis)
  const common = { title: "Sign in to Parley", replyTitle: "You Signed In", scope, state }
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
/** OpenID Connect claims; `email_verified` may come as a boolean or, from some providers, a string. */
const UserInfo = Schema.Struct({
  email: Schema.String,
  email_verified: Schema.optional(Schema.Union(Schema.Boolean, Schema.Literal("true", "false")))
})

const configured = Effect.flatMap(IdentityProvider, (provider) =>
  Option.match(provider, {
    onNone: () => Effect.fail(new SignInFailed({ reason: "no identity provider configured" })),
    onSome: Effect.succeed
  })
)

const retry = Schedule.exponential("200 millis").pipe(Schedule.intersect(Schedule.recurs(2)))

/**
 * The provider's answer, decoded; its body is never logged (it holds tokens). A call-out: it runs
 * only outside a transactional turn (runtime/CallOut.ts), in the conversation's `prepare` step.
 */
const fetchJson = <A, I>(what: string, schema: Schema.Schema<A, I>, url: string, init: RequestInit) =>
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
    Effect.mapError((e) => (e._tag === "SignInFailed" ? e : new SignInFailed({ reason: "unexpected answer" }))),
    (call) => callOut(what, call)
  )

/**
 * RFC 6749 §4.1.3, as Apple's sample 20 sends it: a form body with the grant, the code, the same
 * redirect URI the request named, and the client's id and secret.
 */
const exchangeCode = Effect.fnUntraced(function* (code: string) {
  const links = yield* PublicLinks
  const provider = yield* configured
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: `${links.baseUrl}${callbackPath}`,
    client_id: provider.clientId,
    client_secret: Redacted.value(provider.clientSecret)
  })
  const token = yield* fetchJson("identity provider: token", TokenResponse, provider.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body
  })
  return token.access_token
})

/** What the provider needs for a sign-in's access token (the fields of `SignInReady`). */
export interface Exchange {
  /** Legacy AUTH: the token the device sent, encrypted to `privateKey`. */
  readonly token?: string | undefined
  readonly privateKey?: string | undefined
  /** AUTH2: the authorization code sent to our redirect URI. */
  readonly code?: string | undefined
}

/** The access token of a sign-in reply: decrypted (legacy AUTH) or exchanged from the code (AUTH2). */
export const accessTokenOf = Effect.fnUntraced(function* (exchange: Exchange) {
  if (exchange.token !== undefined && exchange.privateKey !== undefined) {
    return yield* decryptAuthToken(exchange.token, exchange.privateKey).pipe(
      Effect.mapError(() => new SignInFailed({ reason: "token does not decrypt" }))
    )
  }
  if (exchange.code !== undefined) return yield* exchangeCode(exchange.code)
  return yield* new SignInFailed({ reason: "no authorization code arrived" })
})

/** The e-mail claims an access token buys at the provider's userinfo endpoint (a call-out). */
export const claimsOf = Effect.fnUntraced(function* (accessToken: string) {
  const provider = yield* configured
  const info = yield* fetchJson("identity provider: userinfo", UserInfo, provider.userinfoUrl, {
    headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" }
  })
  return { email: info.email, verified: info.email_verified === true || info.email_verified === "true" }
})

/** The customer with the signed-in e-mail, linked to the opaque id (method `authentication`). */
export const linkSignedIn = Effect.fnUntraced(function* (
  businessId: string,
  opaqueId: string,
  claims: { readonly email: string; readonly verified: boolean }
) {
  // An address the provider has not verified could be anyone's: it links nobody.
  if (!claims.verified)
    return yield* new SignInFailed({ reason: "the identity provider has not verified the e-mail address" })
  const customer = yield* findCustomerByEmail(claims.email)
  if (customer === undefined) return undefined
  yield* linkIdentity({ businessId, opaqueId, customer, method: "authentication" })
  return customer
})
