import { useEffect, useRef } from "react"
import type { WireEntry, WireReceived, WireSent } from "../../sim/SimControlWire.ts"
import { InteractiveBubble, QuickReply, RichLink, TextContent } from "./Bubbles.tsx"
import { dayAndClock, fileSize } from "./format.ts"

const gapMs = 15 * 60_000

/** The business is typing when its last word was `typing_start`. */
export const businessTyping = (entries: ReadonlyArray<WireEntry>): boolean => {
  const last = entries.filter((e) => e.direction === "in").at(-1)
  return last?.direction === "in" && last.kind === "typingStart"
}

const visible = (e: WireEntry) => e.direction === "out" || (e.kind !== "typingStart" && e.kind !== "typingEnd")

const statusOf = (sent: WireSent, readAfter: boolean): string =>
  sent.status === 0 ? "Sending…" : !sent.delivered ? "Not Delivered" : readAfter ? "Read" : "Delivered"

const SentBubble = ({ sent, tail }: { readonly sent: WireSent; readonly tail: boolean }) => {
  if (sent.type === "close")
    return (
      <p className="system-note">
        You deleted this conversation. The business can no longer message you until you write again.
      </p>
    )
  const cls = `bubble bubble-out${tail ? " tail" : ""}${sent.delivered || sent.status === 0 ? "" : " failed"}`
  if (sent.type === "interactive")
    return (
      <div className={`${cls} reply-bubble`}>
        <span className="reply-kind" aria-hidden="true">
          ↩︎
        </span>
        <span className="bubble-text">{sent.summary ?? "Answered"}</span>
      </div>
    )
  const body = (sent.body ?? "").replace(/\uFFFC/g, "")
  return (
    <div className={cls}>
      {(sent.attachments ?? []).map((a) => (
        <span key={a.name} className="attachment-file out">
          <span className="attachment-icon" aria-hidden="true">
            📎
          </span>
          <span className="attachment-meta">
            <span className="attachment-name">{a.name}</span>
            <span className="attachment-size">{fileSize(Number(a.size))}</span>
          </span>
        </span>
      ))}
      {body.length > 0 ? <span className="bubble-text">{body}</span> : null}
    </div>
  )
}

const ReceivedBubble = ({
  entry,
  tail,
  answered,
  onOpen,
  onQuick
}: {
  readonly entry: WireReceived
  readonly tail: boolean
  readonly answered: boolean
  readonly onOpen: (entry: WireReceived) => void
  readonly onQuick: (entry: WireReceived, identifier: string) => void
}) => {
  if (entry.kind === "quickReply")
    return <QuickReply entry={entry} answered={answered} onChoose={(id) => onQuick(entry, id)} />
  if (entry.kind === "richLink") return <RichLink entry={entry} />
  if (entry.kind === "text")
    return (
      <div className={`bubble bubble-in${tail ? " tail" : ""}`}>
        <TextContent entry={entry} />
      </div>
    )
  return <InteractiveBubble entry={entry} answered={answered} onOpen={() => onOpen(entry)} />
}

/**
 * The conversation as Messages lays it out: business bubbles left in light gray, the customer's
 * right in dark gray, a tail on the last bubble of a run, a time line after a pause, "Delivered" /
 * "Read" / "Not Delivered" under the customer's last message, and three dots while the business types.
 */
export const Transcript = ({
  entries,
  onOpen,
  onQuick
}: {
  readonly entries: ReadonlyArray<WireEntry>
  readonly onOpen: (entry: WireReceived) => void
  readonly onQuick: (entry: WireReceived, identifier: string) => void
}) => {
  const shown = entries.filter(visible)
  const answered = new Set(shown.flatMap((e) => (e.direction === "out" && e.replyTo !== undefined ? [e.replyTo] : [])))
  const lastOut = shown.filter((e) => e.direction === "out" && e.type !== "close").at(-1)
  const typing = businessTyping(entries)
  const end = useRef<HTMLDivElement>(null)
  // biome-ignore lint/correctness/useExhaustiveDependencies: scrolls down when a message or the typing dots appear.
  useEffect(() => {
    end.current?.scrollIntoView({ block: "end" })
  }, [shown.length, typing])
  return (
    <div className="transcript" role="log" aria-live="polite" aria-label="Conversation">
      {shown.length === 0 ? <p className="system-note">Write to start the conversation.</p> : null}
      {shown.map((entry, i) => {
        const previous = shown[i - 1]
        const next = shown[i + 1]
        const pause = previous === undefined || Date.parse(entry.at) - Date.parse(previous.at) > gapMs
        const nextPause = next !== undefined && Date.parse(next.at) - Date.parse(entry.at) > gapMs
        const tail = next === undefined || next.direction !== entry.direction || nextPause
        const runStart = previous === undefined || previous.direction !== entry.direction || pause
        return (
          <div
            key={entry.seq}
            className={`row row-${entry.direction}${runStart ? " run-start" : ""}`}
            data-kind={entry.direction === "in" ? entry.kind : `sent-${entry.type}`}
          >
            {pause ? <p className="time-line">{dayAndClock(entry.at)}</p> : null}
            {entry.direction === "in" ? (
              <ReceivedBubble
                entry={entry}
                tail={tail}
                // Quick-reply options stay only until answered or until the customer writes on.
                answered={
                  answered.has(entry.id) ||
                  (entry.kind === "quickReply" && shown.slice(i + 1).some((e) => e.direction === "out"))
                }
                onOpen={onOpen}
                onQuick={onQuick}
              />
            ) : (
              <SentBubble sent={entry} tail={tail} />
            )}
            {entry === lastOut && entry.direction === "out" ? (
              <p className={entry.delivered || entry.status === 0 ? "receipt" : "receipt failed"}>
                {statusOf(
                  entry,
                  shown.slice(i + 1).some((e) => e.direction === "in")
                )}
              </p>
            ) : null}
          </div>
        )
      })}
      {typing ? (
        <div className="row row-in">
          <div className="bubble bubble-in tail typing" role="status" aria-label="The business is typing">
            <span />
            <span />
            <span />
          </div>
        </div>
      ) : null}
      <div ref={end} />
    </div>
  )
}
