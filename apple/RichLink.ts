import { Schema } from "effect"
import { Base64String } from "./InteractiveCommon.ts"

const HttpUrl = Schema.String.pipe(
  Schema.pattern(/^https?:\/\/[^\s]+$/i, { message: () => "url must be http(s) (custom schemes do not open)" })
)

export const RichLinkData = Schema.Struct({
  url: HttpUrl,
  title: Schema.NonEmptyString,
  assets: Schema.optional(
    Schema.Struct({
      image: Schema.optional(Schema.Struct({ data: Base64String, mimeType: Schema.String })),
      video: Schema.optional(Schema.Struct({ url: HttpUrl, mimeType: Schema.String }))
    })
  )
})
export type RichLinkData = typeof RichLinkData.Type

/** Apple's limit for the preview image. */
export const MAX_IMAGE_BYTES = 200 * 1024

export interface RichLinkOptions {
  readonly url: string
  readonly title: string
  readonly image?: { readonly data: Uint8Array; readonly mimeType: string }
  readonly video?: { readonly url: string; readonly mimeType: string }
}

export const make = (options: RichLinkOptions): { readonly type: "richLink"; readonly richLinkData: RichLinkData } => {
  if (options.image !== undefined && options.image.data.length > MAX_IMAGE_BYTES)
    throw new Error("RichLink.make: image over 200 kB")
  const image =
    options.image !== undefined
      ? { image: { data: Buffer.from(options.image.data).toString("base64"), mimeType: options.image.mimeType } }
      : {}
  const video = options.video !== undefined ? { video: options.video } : {}
  const assets = { ...image, ...video }
  return {
    type: "richLink",
    richLinkData: {
      url: options.url,
      title: options.title,
      ...(Object.keys(assets).length > 0 ? { assets } : {})
    }
  }
}

/** What counts as a link in plain text (Apple's certification wants each as a rich link). */
const urlPattern = /\b(?:https?:\/\/|www\.)[^\s<>"']+/gi

export const findUrls = (text: string): ReadonlyArray<string> =>
  Array.from(text.matchAll(urlPattern), (m) => m[0].replace(/[.,;:!?)\]]+$/, ""))

/**
 * Splits agent/bot text into what Apple accepts: the text without its URLs (if anything is left)
 * followed by one rich link per URL.
 */
export const splitLinks = (
  body: string
): ReadonlyArray<{ readonly type: "text"; readonly body: string } | ReturnType<typeof make>> => {
  const urls = findUrls(body)
  if (urls.length === 0) return [{ type: "text", body }]
  let rest = body
  for (const url of urls) rest = rest.replace(url, "")
  rest = rest.replace(/[ \t]{2,}/g, " ").trim()
  const links = urls.map((url) => {
    const href = /^https?:\/\//i.test(url) ? url : `https://${url}`
    return make({ url: href, title: hostname(href) })
  })
  return rest.length > 0 ? [{ type: "text", body: rest }, ...links] : links
}

const hostname = (href: string): string => {
  try {
    return new URL(href).hostname || href
  } catch {
    return href
  }
}
