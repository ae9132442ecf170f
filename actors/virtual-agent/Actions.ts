import { Effect } from "effect"
import { text } from "../../apple/OutboundMessage.ts"
import * as RichLink from "../../apple/RichLink.ts"
import { assetsOf, findAssetOf } from "../../db/queries/assets.ts"
import { createCase, openCasesOf } from "../../db/queries/cases.ts"
import { createCatalogRequest, findCatalogItem, listCatalogItems } from "../../db/queries/catalog.ts"
import { recordFeedback } from "../../db/queries/feedback.ts"
import { searchKnowledge } from "../../db/queries/knowledge.ts"
import { placeReplacementOrder } from "../../db/queries/replacementOrders.ts"
import type { Channel } from "./Channel.ts"
import type { Option, OptionSource } from "./Topic.ts"

/** The lookups and records behind topic steps. Each answers in the chat itself and says whether it succeeded. */

export const optionsFrom = Effect.fnUntraced(function* (source: OptionSource, channel: Channel) {
  if (source === "cards") {
    if (channel.customer === undefined) return []
    const cards = yield* assetsOf(channel.customer.ref)
    return cards.map((c): Option => ({ id: c.id, title: c.productName, subtitle: c.maskedNumber }))
  }
  const items = yield* listCatalogItems()
  return items.map((i): Option => ({ id: i.slug, title: i.name, subtitle: i.category }))
})

/** A picked card must be the customer's own, whatever identifier came back over the wire. */
export const ownsCard = (channel: Channel, assetId: string) =>
  channel.customer === undefined
    ? Effect.succeed(false)
    : Effect.map(findAssetOf(channel.customer.ref, assetId), (asset) => asset !== undefined)

const reasons = ["lost", "stolen", "damaged"] as const
const reasonOf = (value: string | undefined) =>
  reasons.find((r) => r === value?.trim().toLowerCase()) ?? ("damaged" as const)

export const replaceCard = Effect.fnUntraced(function* (channel: Channel, vars: Readonly<Record<string, string>>) {
  const customer = channel.customer
  const asset = customer === undefined ? undefined : yield* findAssetOf(customer.ref, vars.asset ?? "")
  if (customer === undefined || asset === undefined) {
    yield* channel.send(text("I couldn't find that card on your account."), "text")
    return false
  }
  const reason = reasonOf(vars.reason)
  const dateLost = /^\d{4}-\d{2}-\d{2}$/.test(vars.dateLost ?? "") ? vars.dateLost : undefined
  const slot = vars.slot !== undefined ? new Date(vars.slot) : undefined
  const card = `${asset.productName} ${asset.maskedNumber}`
  const kase = yield* createCase({
    customer: customer.ref,
    shortDescription: `Replacement card: ${card} (${reason})`,
    description: `Requested over Apple Messages for Business. Delivery: ${vars.address ?? ""}; phone ${vars.phone ?? ""}.`,
    priority: reason === "damaged" ? 4 : 2,
    assetId: asset.id,
    interactionId: channel.interactionId
  })
  const order = yield* placeReplacementOrder({
    assetId: asset.id,
    reason,
    ...(dateLost !== undefined ? { dateLost } : {}),
    deliveryAddress: vars.address ?? customer.address ?? "",
    phone: vars.phone ?? customer.phone ?? "",
    ...(slot !== undefined && !Number.isNaN(slot.getTime()) ? { deliverySlotStart: slot } : {}),
    interactionId: channel.interactionId,
    caseId: kase.id
  })
  const blocked = reason === "damaged" ? "" : " Your old card is blocked, so no one can use it."
  yield* channel.send(
    text(
      `Your replacement ${card} is ordered (order ${order.number}, case ${kase.number}). ` +
        `It arrives in 3–5 business days, between ${order.expectedFrom} and ${order.expectedTo}.${blocked}`
    ),
    "text"
  )
  return true
})

export const searchHelp = Effect.fnUntraced(function* (channel: Channel, query: string) {
  const hits = yield* searchKnowledge(query, 4)
  if (hits.length === 0) return false
  const lines = hits.map((h, i) => `${i + 1}. ${h.title}: ${h.snippet}`)
  yield* channel.send(text(`Here is what I found:\n${lines.join("\n")}`), "text")
  for (const hit of hits) {
    const path = hit.kind === "article" ? "kb" : "community"
    const url = `${channel.publicUrl}/${path}/${encodeURIComponent(hit.ref)}`
    yield* channel.send(RichLink.make({ url, title: hit.title }), "richLink")
  }
  return true
})

export const listOpenCases = Effect.fnUntraced(function* (channel: Channel) {
  if (channel.customer === undefined) return false
  const open = yield* openCasesOf(channel.customer.ref)
  const body =
    open.length === 0
      ? "You have no open cases."
      : `Your open cases:\n${open.map((c) => `• ${c.number}: ${c.shortDescription} (${c.state})`).join("\n")}`
  yield* channel.send(text(body), "text")
  return true
})

export const openCase = Effect.fnUntraced(function* (channel: Channel, vars: Readonly<Record<string, string>>) {
  if (channel.customer === undefined) return false
  const kase = yield* createCase({
    customer: channel.customer.ref,
    shortDescription: (vars.short ?? "Customer request").slice(0, 160),
    description: vars.details ?? "",
    interactionId: channel.interactionId
  })
  yield* channel.send(text(`I've created case ${kase.number}. We'll keep you posted here.`), "text")
  return true
})

export const requestItem = Effect.fnUntraced(function* (channel: Channel, vars: Readonly<Record<string, string>>) {
  const item = yield* findCatalogItem(vars.item ?? "")
  if (item === undefined) return false
  if (channel.customer === undefined) {
    yield* channel.send(
      text(
        `${item.name}: ${item.description}\nTo request it I need to know who you are. Say "agent" and a person will help.`
      ),
      "text"
    )
    return false
  }
  const quantity = Math.max(1, Math.min(99, Number.parseInt(vars.quantity ?? "1", 10) || 1))
  const request = yield* createCatalogRequest({
    itemId: item.id,
    quantity,
    details: vars.details !== undefined ? { details: vars.details } : {},
    requestedFor: channel.customer.ref,
    interactionId: channel.interactionId
  })
  yield* channel.send(text(`Your request ${request.number} for ${quantity} × ${item.name} is submitted.`), "text")
  return true
})

export const leaveFeedback = Effect.fnUntraced(function* (channel: Channel, vars: Readonly<Record<string, string>>) {
  const rating = Number(vars.rating)
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) return false
  yield* recordFeedback({
    interactionId: channel.interactionId,
    rating,
    ...(vars.comment !== undefined ? { comment: vars.comment } : {})
  })
  return true
})
