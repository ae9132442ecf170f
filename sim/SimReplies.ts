import { Effect } from "effect"
import { encryptAuthToken } from "./SimCrypto.ts"
import type { NotDelivered, Received, SimCustomer } from "./SimCustomer.ts"
import type { SimState } from "./SimState.ts"
import type { InteractiveData } from "./SimWire.ts"

/**
 * How the fake device answers interactive messages. Apple's reply schemas are an open question (docs/apple.md);
 * these are the shapes the simulator sends (the MSP accepts these and others, see
 * `apple/InteractiveReply.ts`): every list item echoed with the chosen ones flagged
 * `selected: true`, only the chosen slot, quick reply `selectedIndex` with the items echoed, form `selections`, auth `status`
 * (+ `token` for legacy AUTH), Apple Pay `status: true`.
 */
const interactiveOf = (received: Received): InteractiveData => {
  if (received.interactive === undefined) throw new Error("not an interactive message")
  return received.interactive
}

const reply = (original: InteractiveData, data: Record<string, unknown>, summary: string) => {
  const payload = original.data
  return {
    bid: original.bid,
    sessionIdentifier: original.sessionIdentifier ?? payload?.requestIdentifier,
    ...(original.receivedMessage !== undefined ? { receivedMessage: original.receivedMessage } : {}),
    replyMessage: { ...(original.replyMessage ?? { style: "icon" }), title: summary, alternateTitle: summary },
    data: {
      version: "1.0",
      requestIdentifier: payload?.requestIdentifier,
      // Apple echoes every image of the original, which is why picker replies tend to exceed 10 KB.
      ...(payload?.images !== undefined ? { images: payload.images } : {}),
      replyMessage: { title: summary },
      ...data
    }
  }
}

export const pickFromList = (
  customer: SimCustomer,
  received: Received,
  identifiers: ReadonlyArray<string>
): Effect.Effect<string, NotDelivered> => {
  const original = interactiveOf(received)
  // The whole picker comes back (which is what makes these replies large) with the choice marked.
  const sections = (original.data?.listPicker?.sections ?? []).map((s) => ({
    ...s,
    items: s.items.map((i) => ({ ...i, selected: identifiers.includes(i.identifier) }))
  }))
  const titles = sections.flatMap((s) => s.items.filter((i) => i.selected).map((i) => i.title))
  return customer.replyInteractive(reply(original, { listPicker: { sections } }, titles.join(", ")))
}

export const pickTime = (
  customer: SimCustomer,
  received: Received,
  slotId: string
): Effect.Effect<string, NotDelivered> => {
  const original = interactiveOf(received)
  const event = original.data?.event
  const slot = event?.timeslots.find((t) => t.identifier === slotId)
  return customer.replyInteractive(
    reply(original, { event: { ...event, timeslots: slot !== undefined ? [slot] : [] } }, slot?.startTime ?? "")
  )
}

/**
 * A custom iMessage app's answer. Its shape is the app's own (Apple documents none; docs/apple.md,
 * "Open questions"): the simulator plays Parley's delivery-slot app, which replies with its bid, the
 * bubbles, and a URL carrying the request and `slot=<id>` — no `data`, which custom apps don't use.
 */
export const replyFromApp = (
  customer: SimCustomer,
  received: Received,
  query: Readonly<Record<string, string>>,
  summary: string
): Effect.Effect<string, NotDelivered> => {
  const original = interactiveOf(received)
  const request = new URLSearchParams((original.URL ?? "").replace(/^[^?]*\?/, "")).get("request")
  const url = `?${new URLSearchParams({ ...(request !== null ? { request } : {}), ...query }).toString()}`
  return customer.replyInteractive({
    bid: original.bid,
    ...(original.sessionIdentifier !== undefined ? { sessionIdentifier: original.sessionIdentifier } : {}),
    ...(original.receivedMessage !== undefined ? { receivedMessage: original.receivedMessage } : {}),
    replyMessage: { ...(original.replyMessage ?? {}), title: summary },
    URL: url
  })
}

export const quickReply = (
  customer: SimCustomer,
  received: Received,
  identifier: string
): Effect.Effect<string, NotDelivered> => {
  const original = interactiveOf(received)
  const quick = original.data?.["quick-reply"]
  const selectedIndex = quick?.items.findIndex((i) => i.identifier === identifier) ?? -1
  const title = quick?.items[selectedIndex]?.title ?? ""
  return customer.replyInteractive(reply(original, { "quick-reply": { ...quick, selectedIndex } }, title))
}

/** `answers`: per page identifier, the text typed or the title/value/identifier of the item(s) chosen. */
export const submitForm = (
  customer: SimCustomer,
  received: Received,
  answers: Readonly<Record<string, string | ReadonlyArray<string>>>
): Effect.Effect<string, NotDelivered> => {
  const original = interactiveOf(received)
  const form = original.data?.dynamic
  const selections = (form?.data.pages ?? []).flatMap((page) => {
    const answer = answers[page.pageIdentifier]
    if (answer === undefined) return []
    const chosen = typeof answer === "string" ? [answer] : answer
    const items =
      page.pageItems !== undefined && page.pageItems.length > 0
        ? page.pageItems
            .filter((i) => chosen.some((c) => c === i.title || c === i.value || c === i.identifier))
            .map((i) => ({ title: i.title, value: i.value ?? i.title }))
        : chosen.map((value) => ({ title: page.title, value }))
    return [{ pageIdentifier: page.pageIdentifier, title: page.title, items }]
  })
  return customer.replyInteractive(
    reply(
      original,
      { dynamic: { version: form?.version ?? "1.1", template: "messageForms", selections } },
      original.replyMessage?.title ?? "Submitted"
    )
  )
}

/** Where the legacy flow's provider redirects: Apple's own page, which a test provider must allow. */
const APPLE_AUTH_CALLBACK = "https://auth.businesschat.apple.com/callback"

/** Signs the customer in at the business's identity provider and returns where it redirected to. */
const authorizeAt = (state: SimState, customer: SimCustomer, params: Record<string, string>) =>
  Effect.promise(async () => {
    const idp = state.identityProvider
    if (idp === undefined) return undefined
    const url = new URL(idp.authorizeUrl)
    for (const [k, v] of Object.entries({ ...params, client_id: idp.clientId, login_hint: customer.email }))
      url.searchParams.set(k, v)
    const response = await fetch(url, { redirect: "manual" }).catch(() => undefined)
    await response?.body?.cancel()
    const location = response?.headers.get("location") ?? null
    return location === null ? undefined : new URL(location)
  })

/**
 * Signs in at the business's identity provider (configured like Apple Business Register's entry).
 * AUTH2: the provider redirects with `code` and `state`, and the device delivers them to the
 * request's `redirectURI` — in the entity body (POST, as since iOS 15) or, with `redirect: "GET"`,
 * in the query — then replies `authenticated`. Legacy AUTH: the device asks for the token itself
 * and returns it encrypted to `responseEncryptionKey`. Without a provider, or when told to fail,
 * the device replies `failed`.
 */
export const authenticate = (
  state: SimState,
  customer: SimCustomer,
  received: Received,
  succeed = true,
  redirect: "POST" | "GET" = "POST"
): Effect.Effect<string, NotDelivered> =>
  Effect.gen(function* () {
    const original = interactiveOf(received)
    const oauth2 = original.data?.authenticate?.oauth2
    const failed = () =>
      customer.replyInteractive(
        reply(
          original,
          { authenticate: { status: "failed", errors: [{ code: "user_cancelled" }] } },
          "Authentication failed"
        )
      )
    if (!succeed || oauth2 === undefined) return yield* failed()
    const scope = (oauth2.scope ?? []).join(" ")
    if (oauth2.responseEncryptionKey !== undefined) {
      const back = yield* authorizeAt(state, customer, {
        response_type: "token",
        redirect_uri: APPLE_AUTH_CALLBACK,
        scope,
        ...(oauth2.state !== undefined ? { state: oauth2.state } : {})
      })
      const accessToken = new URLSearchParams(back?.hash.slice(1) ?? "").get("access_token")
      if (accessToken === null) return yield* failed()
      const token = encryptAuthToken(accessToken, oauth2.responseEncryptionKey)
      return yield* customer.replyInteractive(
        reply(original, { authenticate: { status: "authenticated", token } }, "You Signed In")
      )
    }
    const redirectURI = oauth2.redirectURI
    if (redirectURI === undefined) return yield* failed()
    const back = yield* authorizeAt(state, customer, {
      response_type: oauth2.responseType ?? "code",
      redirect_uri: redirectURI,
      scope,
      ...(oauth2.state !== undefined ? { state: oauth2.state } : {})
    })
    const code = back?.searchParams.get("code") ?? null
    if (code === null) return yield* failed()
    const params = new URLSearchParams({ code, state: back?.searchParams.get("state") ?? oauth2.state ?? "" })
    const delivered = yield* Effect.promise(() =>
      (redirect === "GET"
        ? fetch(`${redirectURI}${redirectURI.includes("?") ? "&" : "?"}${params.toString()}`)
        : fetch(redirectURI, { method: "POST", body: params })
      ).then(
        async (r) => {
          await r.body?.cancel()
          return r.ok
        },
        () => false
      )
    )
    if (!delivered) return yield* failed()
    return yield* customer.replyInteractive(
      reply(original, { authenticate: { status: "authenticated" } }, "You Signed In")
    )
  })

export const pay = (customer: SimCustomer, received: Received, succeed = true): Effect.Effect<string, NotDelivered> => {
  const original = interactiveOf(received)
  return customer.replyInteractive(
    reply(original, { payment: { status: succeed } }, succeed ? "Paid" : "Payment failed")
  )
}
