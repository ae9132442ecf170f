/**
 * Which files the desk keeps and sends. Apple refuses no MIME type and leaves the choice to the
 * business (docs/apple.md, "Attachments"); we take what a customer-service chat needs — pictures,
 * PDFs, voice notes and videos as Apple devices send them, contact cards and plain text — and
 * nothing a browser would run (HTML, SVG, scripts).
 */

const exact: ReadonlySet<string> = new Set([
  "application/pdf",
  "text/plain",
  "text/vcard",
  "text/x-vcard",
  "text/directory"
])

/** Images, audio and video, except SVG, which is a document that can carry script. */
const families = /^(image|audio|video)\/[a-z0-9][a-z0-9.+-]*$/

/** The type without its parameters, lower-cased: `Text/Plain; charset=utf-8` → `text/plain`. */
export const essence = (contentType: string): string => (contentType.split(";")[0] ?? "").trim().toLowerCase()

export const allowedType = (contentType: string): boolean => {
  const type = essence(contentType)
  return exact.has(type) || (families.test(type) && type !== "image/svg+xml")
}

/** Why a file is refused (`attachment refused (<reason>)`), or undefined when it may be kept or sent. */
export const refusal = (file: { readonly contentType: string; readonly size: number }, maxBytes: number) => {
  if (file.size > maxBytes) return `${file.size} bytes is over the ${maxBytes}-byte limit`
  if (!allowedType(file.contentType)) return `type ${essence(file.contentType) || "(none)"} is not accepted`
  return undefined
}

/**
 * A file name safe to offer in `Content-Disposition`: no path, no control or quote characters,
 * at most 120 characters; never empty.
 */
export const safeFileName = (name: string): string => {
  const base = name.split(/[/\\]/).pop() ?? ""
  const cleaned = Array.from(base, (ch) => {
    const code = ch.codePointAt(0) ?? 0
    return code < 0x20 || code === 0x7f || ch === '"' || ch === ";" ? "_" : ch
  })
    .join("")
    .trim()
    .slice(0, 120)
  return cleaned === "" || cleaned === "." || cleaned === ".." ? "attachment" : cleaned
}
