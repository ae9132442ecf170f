import { Fragment, type ReactNode, useEffect, useState } from "react"
import { fileUrl } from "./files.ts"
import { dateTime, label, slotStart, time } from "./format.ts"

/**
 * One renderer for every transcript on every page: customer left, agent right (blue), the bot
 * right and outlined, its run grouped under a divider; interactive messages drawn as the customer
 * saw them, with the answer they chose — never the JSON they travel as.
 */

export interface Line {
  readonly id: number | string
  readonly direction: "in" | "out"
  readonly author: string
  readonly kind: string
  readonly body: Readonly<Record<string, unknown>>
  readonly at: string
  /** The agent's name, for agent lines. */
  readonly authorName?: string
  /** An agent's line the server has not confirmed yet, or refused. */
  readonly status?: "sending" | "failed" | undefined
  readonly failure?: string | undefined
}

type Json = Readonly<Record<string, unknown>>

const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined
const arr = (v: unknown): ReadonlyArray<unknown> => (Array.isArray(v) ? v : [])
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)

interface Choice {
  readonly id: string
  readonly title: string
  readonly subtitle?: string | undefined
}

/** What a reply chose, by the request it answers. */
export interface Answer {
  readonly chosen: ReadonlyArray<string>
  readonly text: string
  readonly fields?: ReadonlyArray<readonly [string, string]>
}

const replyOf = (line: Line): Answer | undefined => {
  const reply = obj(line.body.reply)
  if (reply === undefined) return undefined
  const selected = arr(reply.selected).map(obj)
  if (reply._tag === "ListPickerReply")
    return {
      chosen: selected.map((s) => str(s?.identifier) ?? ""),
      text: selected.map((s) => str(s?.title)).join(", ")
    }
  if (reply._tag === "TimePickerReply") {
    const slot = obj(reply.slot)
    const start = slotStart(str(slot?.startTime) ?? "")
    return {
      chosen: [str(slot?.identifier) ?? ""],
      text: start === undefined ? (str(reply.summary) ?? "") : dateTime(start)
    }
  }
  if (reply._tag === "FormReply") {
    const fields = arr(reply.selections).map((s) => {
      const sel = obj(s)
      const values = arr(sel?.items).map((i) =>
        str(obj(i)?.title) === str(sel?.title) ? str(obj(i)?.value) : str(obj(i)?.title)
      )
      return [str(sel?.title) ?? "", values.join(", ")] as const
    })
    return { chosen: [], text: "Form submitted", fields }
  }
  const items = selected.length > 0 ? selected : arr(reply.items).map(obj)
  const chosen = items.map((s) => str(s?.identifier) ?? "")
  return { chosen, text: str(reply.summary) ?? items.map((s) => str(s?.title)).join(", ") }
}

export const requestOf = (line: Line): string | undefined => {
  const reply = obj(line.body.reply)
  if (reply !== undefined) return str(reply.requestIdentifier)
  const data = obj(obj(obj(line.body.content)?.interactiveData)?.data)
  return str(data?.requestIdentifier)
}

const Bubble = ({ children }: { readonly children: ReactNode }) => <div className="bubble">{children}</div>

/** U+FFFC marks where a file shows in a text; the file is drawn on its own. */
const withoutMarks = (text: string | undefined): string | undefined => {
  const plain = text?.replace(/\uFFFC/g, "").trim()
  return plain === "" ? undefined : plain
}

const size = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${Math.round(bytes / 1024)} KB`
      : `${(bytes / (1024 * 1024)).toFixed(1)} MB`

/** A picture inline, any other file as a chip that downloads it; a refused one says why. */
const FileView = ({ file, token }: { readonly file: Json; readonly token: string | undefined }) => {
  const id = str(file.id)
  const name = str(file.name) ?? "file"
  const type = str(file.mimeType) ?? ""
  const [url, setUrl] = useState<string | undefined>(undefined)
  const picture = type.startsWith("image/") && id !== undefined && token !== undefined
  useEffect(() => {
    if (!picture) return
    let shown: string | undefined
    let gone = false
    fileUrl(token, id)
      .then((u) => {
        if (gone) URL.revokeObjectURL(u)
        else {
          shown = u
          setUrl(u)
        }
      })
      .catch(() => undefined)
    return () => {
      gone = true
      if (shown !== undefined) URL.revokeObjectURL(shown)
    }
  }, [picture, token, id])
  const refused = str(file.refused) ?? str(file.failed)
  if (id === undefined || token === undefined)
    return (
      <span className="file-chip refused">
        {name}
        {refused !== undefined ? ` — not kept (${refused})` : ""}
      </span>
    )
  const download = async () => {
    const u = await fileUrl(token, id).catch(() => undefined)
    if (u === undefined) return
    const a = document.createElement("a")
    a.href = u
    a.download = name
    a.click()
    setTimeout(() => URL.revokeObjectURL(u), 10_000)
  }
  return picture && url !== undefined ? (
    <button type="button" className="file-thumb" title={`Download ${name}`} onClick={() => void download()}>
      <img src={url} alt={name} />
    </button>
  ) : (
    <button type="button" className="file-chip" title={`Download ${name}`} onClick={() => void download()}>
      {name} · {size(typeof file.size === "number" ? file.size : 0)}
    </button>
  )
}

const Files = ({ line, token }: { readonly line: Line; readonly token: string | undefined }) => {
  const files = arr(line.body.attachments).flatMap((f) => {
    const o = obj(f)
    return o === undefined ? [] : [o]
  })
  return files.length === 0 ? null : (
    <div className="files">
      {files.map((f, i) => (
        <FileView key={str(f.id) ?? `${i}`} file={f} token={token} />
      ))}
    </div>
  )
}

const Rich = ({
  title,
  subtitle,
  choices,
  chosen
}: {
  readonly title: string
  readonly subtitle?: string | undefined
  readonly choices: ReadonlyArray<Choice>
  readonly chosen: ReadonlyArray<string>
}) => (
  <div className="rich">
    <div className="rich-head">
      <strong>{title}</strong>
      {subtitle !== undefined ? <span className="caption">{subtitle}</span> : null}
    </div>
    {choices.length > 0 ? (
      <ul>
        {choices.map((c) => (
          <li key={c.id} className={chosen.includes(c.id) ? "chosen" : undefined}>
            <span className="truncate">{c.title}</span>
            {c.subtitle !== undefined ? <span className="caption">{c.subtitle}</span> : null}
            {chosen.includes(c.id) ? (
              <span role="img" aria-label="chosen">
                ✓
              </span>
            ) : null}
          </li>
        ))}
      </ul>
    ) : null}
  </div>
)

/** Apple's content (what the bot or agent sent) as the device shows it. */
export const ContentView = ({ content, answer }: { readonly content: Json; readonly answer?: Answer | undefined }) => {
  const chosen = answer?.chosen ?? []
  if (content.type === "text") {
    const text = withoutMarks(str(content.body))
    return text === undefined ? null : <Bubble>{text}</Bubble>
  }
  if (content.type === "richLink") {
    const link = obj(content.richLinkData)
    const url = str(link?.url) ?? ""
    let site = url
    try {
      site = new URL(url).host
    } catch {
      // Not a URL: shown as it is.
    }
    return (
      <a className="rich" href={url} target="_blank" rel="noreferrer">
        <div className="rich-head">
          <strong>{str(link?.title)}</strong>
          <span className="link-site">{site}</span>
        </div>
      </a>
    )
  }
  const interactive = obj(content.interactiveData)
  const data = obj(interactive?.data)
  const received = obj(interactive?.receivedMessage)
  const list = obj(data?.listPicker)
  if (list !== undefined) {
    const choices = arr(list.sections).flatMap((s) =>
      arr(obj(s)?.items).map((i) => ({
        id: str(obj(i)?.identifier) ?? "",
        title: str(obj(i)?.title) ?? "",
        subtitle: str(obj(i)?.subtitle)
      }))
    )
    return (
      <Rich
        title={str(received?.title) ?? "Choose an option"}
        subtitle={str(received?.subtitle)}
        choices={choices}
        chosen={chosen}
      />
    )
  }
  const quick = obj(data?.["quick-reply"])
  if (quick !== undefined) {
    const choices = arr(quick.items).map((i) => ({
      id: str(obj(i)?.identifier) ?? "",
      title: str(obj(i)?.title) ?? ""
    }))
    return <Rich title={str(quick.summaryText) ?? "Choose an option"} choices={choices} chosen={chosen} />
  }
  const event = obj(data?.event)
  if (event !== undefined) {
    const choices = arr(event.timeslots).map((t) => {
      const start = slotStart(str(obj(t)?.startTime) ?? "")
      return { id: str(obj(t)?.identifier) ?? "", title: start === undefined ? "—" : dateTime(start) }
    })
    return (
      <Rich title={str(received?.title) ?? str(event.title) ?? "Choose a time"} choices={choices} chosen={chosen} />
    )
  }
  const form = obj(obj(data?.dynamic)?.data)
  if (form !== undefined) {
    const pages = arr(form.pages).map((p) => ({
      id: str(obj(p)?.pageIdentifier) ?? "",
      title: str(obj(p)?.title) ?? ""
    }))
    return (
      <Rich title={str(received?.title) ?? "Form"} subtitle={`${pages.length} questions`} choices={pages} chosen={[]} />
    )
  }
  if (obj(data?.authenticate) !== undefined)
    return <Rich title={str(received?.title) ?? "Sign in"} choices={[]} chosen={[]} />
  return <Bubble>{str(received?.title) ?? "Interactive message"}</Bubble>
}

const systemText = (line: Line): string => {
  const b = line.body
  switch (line.kind) {
    case "callBackBooked": {
      const at = str(b.scheduledAt)
      return `Call-back booked with ${label(str(b.queue))}${at !== undefined ? ` for ${dateTime(at)}` : ""}`
    }
    case "callBackDue":
      return "Call-back time reached"
    case "agentClosed":
      return "The agent ended the chat"
    case "caseCreated":
      return `Case ${str(b.caseNumber) ?? ""} created`
    case "transferred":
      return `Transferred to ${label(str(b.queue))}`
    case "customerLinked":
      return "Customer linked to their record"
    default:
      return label(line.kind)
  }
}

const Who = ({ line }: { readonly line: Line }) => (
  <span className="who" title={dateTime(line.at)}>
    {line.author === "agent" ? (line.authorName ?? "Agent") : line.author === "bot" ? "Virtual agent" : "Customer"} ·{" "}
    {time(line.at)}
  </span>
)

const LineView = ({
  line,
  answers,
  waiting,
  who,
  token
}: {
  readonly line: Line
  /** The reader's bearer token, to fetch files; without it files show as names. */
  readonly token: string | undefined
  readonly answers: ReadonlyMap<string, Answer>
  readonly waiting: boolean
  /** Only the last line of one author's run says who and when. */
  readonly who: boolean
}) => {
  if (line.author === "system") return <div className="system">{systemText(line)}</div>
  const request = requestOf(line)
  if (line.direction === "in") {
    const reply = replyOf(line)
    return (
      <div className="msg in">
        {reply !== undefined ? (
          <div className="bubble">
            {reply.fields !== undefined && reply.fields.length > 0 ? (
              <dl className="answers">
                {reply.fields.map(([k, v]) => (
                  <Fragment key={k}>
                    <dt className="caption">{k}</dt>
                    <dd>{v}</dd>
                  </Fragment>
                ))}
              </dl>
            ) : (
              <>Chose: {reply.text}</>
            )}
          </div>
        ) : withoutMarks(str(line.body.text)) !== undefined || line.body.attachments === undefined ? (
          <Bubble>{withoutMarks(str(line.body.text)) ?? label(line.kind)}</Bubble>
        ) : null}
        <Files line={line} token={token} />
        {who ? <Who line={line} /> : null}
      </div>
    )
  }
  const content = obj(line.body.content)
  const answer = request === undefined ? undefined : answers.get(request)
  const interactive = content?.type === "interactive"
  return (
    <div className={`msg out ${line.author}`}>
      {content !== undefined ? <ContentView content={content} answer={answer} /> : <Bubble>{label(line.kind)}</Bubble>}
      <Files line={line} token={token} />
      {interactive && answer !== undefined ? <span className="answer">Chose: {answer.text}</span> : null}
      {interactive && answer === undefined && waiting ? (
        <span className="answer waiting">Waiting for customer</span>
      ) : null}
      {line.status === "sending" ? <span className="caption">Sending…</span> : null}
      {line.status === "failed" ? <span className="caption error-text">Not delivered · {line.failure}</span> : null}
      {who || line.status !== undefined ? <Who line={line} /> : null}
    </div>
  )
}

/** A run of bot lines, folded under "Virtual agent · 14:02–14:09" (open by default). */
const BotRun = ({
  lines,
  render
}: {
  readonly lines: ReadonlyArray<Line>
  readonly render: (line: Line) => ReactNode
}) => {
  const [open, setOpen] = useState(true)
  const first = lines[0]
  const last = lines[lines.length - 1]
  if (first === undefined || last === undefined) return null
  return (
    <>
      <div className="bot-divider">
        <button type="button" className="ghost small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "▾" : "▸"} Virtual agent · {time(first.at)}–{time(last.at)}
        </button>
      </div>
      {open ? lines.map(render) : null}
    </>
  )
}

/** Splits the transcript into the bot's part (before the first agent line) and the rest. */
export const TranscriptView = ({
  lines,
  typing,
  label: name,
  token
}: {
  readonly lines: ReadonlyArray<Line>
  readonly typing?: boolean
  readonly label: string
  /** Staff's token: files in the transcript are fetched with it (`GET /api/attachments/:id`). */
  readonly token?: string
}) => {
  const answers = new Map<string, Answer>()
  for (const line of lines) {
    const request = line.direction === "in" ? requestOf(line) : undefined
    const reply = line.direction === "in" ? replyOf(line) : undefined
    if (request !== undefined && reply !== undefined) answers.set(request, reply)
  }
  const lastIn = lines.reduce((n, l, i) => (l.direction === "in" ? i : n), -1)
  const render = (line: Line, index: number) => {
    const next = lines[index + 1]
    const who = next === undefined || next.author !== line.author || next.direction !== line.direction
    return <LineView key={line.id} line={line} answers={answers} waiting={index > lastIn} who={who} token={token} />
  }
  const firstAgent = lines.findIndex((l) => l.author === "agent" || l.author === "system")
  const botEnd = firstAgent === -1 ? lines.length : firstAgent
  const hasBot = lines.slice(0, botEnd).some((l) => l.author === "bot")
  return (
    <div className="log" role="log" aria-live="polite" aria-label={name}>
      {hasBot ? <BotRun lines={lines.slice(0, botEnd)} render={(l) => render(l, lines.indexOf(l))} /> : null}
      {(hasBot ? lines.slice(botEnd) : lines).map((l) => render(l, lines.indexOf(l)))}
      {typing === true ? (
        <div className="typing-bubble" role="status" aria-label="Customer is typing">
          <span />
          <span />
          <span />
        </div>
      ) : null}
    </div>
  )
}
