import type { WireAttachment, WireReceived } from "../../sim/SimControlWire.ts"
import { attachmentUrl } from "./api.ts"
import { fileSize, hostOf, imageSrc } from "./format.ts"

const actionOf: Partial<Record<WireReceived["kind"], string>> = {
  listPicker: "Tap to choose",
  timePicker: "Tap to pick a time",
  form: "Tap to fill in",
  authenticate: "Tap to sign in",
  payment: "Tap to pay with Apple Pay"
}

export const Attachment = ({ attachment }: { readonly attachment: WireAttachment }) =>
  attachment.mimeType.startsWith("image/") ? (
    <img className="attachment-image" src={attachmentUrl(attachment.path)} alt={attachment.name} />
  ) : (
    <a className="attachment-file" href={attachmentUrl(attachment.path)} download={attachment.name}>
      <span className="attachment-icon" aria-hidden="true">
        📄
      </span>
      <span className="attachment-meta">
        <span className="attachment-name">{attachment.name}</span>
        <span className="attachment-size">{fileSize(attachment.size)}</span>
      </span>
    </a>
  )

/** Text from the business, with each U+FFFC replaced by the attachment it stands for. */
export const TextContent = ({ entry }: { readonly entry: WireReceived }) => {
  const parts = (entry.body ?? "").split("\uFFFC")
  const attachments = entry.attachments ?? []
  return (
    <>
      {parts.map((part, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one body never move.
        <span key={i}>
          {part.length > 0 ? <span className="bubble-text">{part}</span> : null}
          {attachments[i] !== undefined ? <Attachment attachment={attachments[i]} /> : null}
        </span>
      ))}
    </>
  )
}

export const RichLink = ({ entry }: { readonly entry: WireReceived }) => {
  const link = entry.richLinkData
  if (link === undefined) return null
  const image = link.assets?.image
  return (
    <a
      className={image === undefined ? "rich-link compact" : "rich-link"}
      href={link.url}
      target="_blank"
      rel="noreferrer"
    >
      {image !== undefined ? (
        <img className="rich-link-image" src={`data:${image.mimeType};base64,${image.data}`} alt="" />
      ) : (
        <span className="rich-link-icon" aria-hidden="true">
          {hostOf(link.url).charAt(0).toUpperCase()}
        </span>
      )}
      <span className="rich-link-caption">
        <span className="rich-link-title">{link.title}</span>
        <span className="rich-link-site">{hostOf(link.url)}</span>
      </span>
    </a>
  )
}

/**
 * The `receivedMessage` bubble of an interactive message in its style: icon (40×40 image beside the
 * title), small (60×60) or large (image above). A button: tapping opens the list, picker, form…
 */
export const InteractiveBubble = ({
  entry,
  answered,
  onOpen
}: {
  readonly entry: WireReceived
  readonly answered: boolean
  readonly onOpen: () => void
}) => {
  const interactive = entry.interactive
  const bubble = interactive?.receivedMessage
  const style = bubble?.style ?? "icon"
  const appIcon = interactive?.appIcon !== undefined ? `data:image/png;base64,${interactive.appIcon}` : undefined
  const src =
    imageSrc(interactive?.data?.images, bubble?.imageIdentifier) ?? (entry.kind === "iMessageApp" ? appIcon : undefined)
  const title = bubble?.title ?? (entry.kind === "payment" ? "Apple Pay" : "Message")
  const action = entry.kind === "iMessageApp" ? (interactive?.appName ?? "iMessage app") : actionOf[entry.kind]
  return (
    <button
      type="button"
      className={`interactive-bubble style-${style}`}
      onClick={onOpen}
      aria-label={`${title}. ${action ?? ""}`}
    >
      {style === "large" && src !== undefined ? <img className="interactive-image-large" src={src} alt="" /> : null}
      <span className="interactive-row">
        {style !== "large" && src !== undefined ? (
          <img className={style === "small" ? "interactive-image-small" : "interactive-image-icon"} src={src} alt="" />
        ) : entry.kind === "payment" ? (
          <span className="interactive-glyph pay-glyph" aria-hidden="true"></span>
        ) : entry.kind === "authenticate" ? (
          <span className="interactive-glyph" aria-hidden="true">
            🔒
          </span>
        ) : null}
        <span className="interactive-text">
          <span className="interactive-title">{title}</span>
          {bubble?.subtitle !== undefined ? <span className="interactive-subtitle">{bubble.subtitle}</span> : null}
          {bubble?.secondarySubtitle !== undefined ? (
            <span className="interactive-subtitle">{bubble.secondarySubtitle}</span>
          ) : null}
        </span>
      </span>
      {action !== undefined ? (
        <span className="interactive-action">{answered && entry.kind !== "iMessageApp" ? "✓ Answered" : action}</span>
      ) : null}
    </button>
  )
}

/** A quick reply: the question, then 2–5 one-line options; they go away once one is tapped. */
export const QuickReply = ({
  entry,
  answered,
  onChoose
}: {
  readonly entry: WireReceived
  readonly answered: boolean
  readonly onChoose: (identifier: string) => void
}) => {
  const quick = entry.interactive?.data?.["quick-reply"]
  return (
    <div className="quick-reply">
      <div className="bubble bubble-in tail">
        <span className="bubble-text">{quick?.summaryText}</span>
      </div>
      {answered ? null : (
        <fieldset className="quick-options">
          <legend className="visually-hidden">Choose an option</legend>
          {(quick?.items ?? []).map((item) => (
            <button
              type="button"
              key={item.identifier}
              className="quick-option"
              title={item.title}
              onClick={() => onChoose(item.identifier)}
            >
              {item.title}
            </button>
          ))}
        </fieldset>
      )}
    </div>
  )
}
