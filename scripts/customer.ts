import { readFile } from "node:fs/promises"
import { basename } from "node:path"
import { createInterface } from "node:readline"
import { parseArgs } from "node:util"
import type {
  WireCustomer,
  WireDevice,
  WireEntry,
  WireFormPage,
  WireReceived,
  WireReply,
  WireThread
} from "../sim/SimControlWire.ts"
import { formAnswerProblem } from "../sim/SimReplyCheck.ts"

/**
 * `npm run customer -- --as jane` (or `--guest --device mac`): chat with a running Parley in demo
 * mode from a terminal, as the simulated Apple device — the same way the device page does, through
 * Parley's `/device/api`. Pickers come as numbered choices, forms as one prompt per page, rich links
 * with their URL; every kind can be answered. `/help` lists the commands.
 */
const { values } = parseArgs({
  options: {
    url: { type: "string", default: process.env.PARLEY_URL ?? "http://localhost:3000" },
    as: { type: "string" },
    guest: { type: "boolean", default: false },
    device: { type: "string", default: "iphone" },
    email: { type: "string", default: "tom.becker@example.com" },
    capabilities: { type: "string" }
  }
})

const base = values.url.replace(/\/+$/, "")
const out = (line: string): void => {
  process.stdout.write(`${line}\n`)
}
const fail = (line: string): never => {
  process.stderr.write(`customer: ${line}\n`)
  process.exit(1)
}

const call = async <A>(method: "GET" | "POST", path: string, body?: unknown): Promise<A> => {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  }).catch(() => fail(`Parley is not reachable at ${base} (start it with npm start, or pass --url)`))
  const json = (await response.json().catch(() => undefined)) as (A & { error?: string; status?: number }) | undefined
  if (!response.ok) {
    const because = json?.status !== undefined ? ` (Parley answered ${json.status})` : ""
    throw new Error(`${json?.error ?? `HTTP ${response.status}`}${because}`)
  }
  return json as A
}

interface About {
  readonly demo: boolean
  readonly identities?: ReadonlyArray<{ readonly name: string; readonly opaqueId?: string }>
}

const devices: ReadonlyArray<WireDevice> = ["iphone", "ipad", "mac"]

const open = async (): Promise<{ readonly customer: WireCustomer; readonly name: string }> => {
  const about = await call<About>("GET", "/api/about")
  if (!about.demo) fail(`Parley at ${base} is not in demo mode: there is no simulated device to chat from`)
  const device = values.device as WireDevice
  if (!devices.includes(device)) fail(`--device must be one of ${devices.join(", ")}`)
  const capabilities = values.capabilities?.split(",").map((c) => c.trim().toUpperCase())
  if (values.guest || values.as === undefined) {
    const customer = await call<WireCustomer>("POST", "/device/api/customers", {
      device,
      email: values.email,
      ...(capabilities !== undefined ? { capabilities } : {})
    })
    return { customer, name: `a guest on ${device}` }
  }
  const who = values.as.toLowerCase()
  const known = about.identities?.find((i) => i.opaqueId !== undefined && i.name.toLowerCase().startsWith(who))
  if (known?.opaqueId === undefined) {
    const names = (about.identities ?? []).filter((i) => i.opaqueId !== undefined).map((i) => i.name.split(" ")[0])
    return fail(`--as ${values.as}: no such demo customer (try ${names.join(", ")})`)
  }
  const customer = await call<WireCustomer>("POST", "/device/api/customers", {
    id: known.opaqueId,
    device,
    ...(capabilities !== undefined ? { capabilities } : {})
  })
  return { customer, name: known.name }
}

const { customer, name } = await open()
const path = `/device/api/customers/${encodeURIComponent(customer.id)}`

/** What a line typed now answers: the latest question, else it is a message to the business. */
interface Question {
  readonly prompt: string
  /** Whether a line is meant for this question (else it goes to the business as a message). */
  readonly accepts: (line: string) => boolean
  readonly answer: (line: string) => Promise<void>
}
let question: Question | undefined
const ask = (q: Question | undefined) => {
  question = q
  if (q !== undefined) out(`  ${q.prompt}`)
}

const reply = (entry: WireReceived, answer: WireReply) =>
  call("POST", `${path}/messages/${encodeURIComponent(entry.id)}/reply`, answer).then(
    () => undefined,
    (error: unknown) => out(`! not sent: ${error instanceof Error ? error.message : String(error)}`)
  )

const numbers = (line: string, max: number): ReadonlyArray<number> | undefined => {
  const picked = line
    .split(/[\s,]+/)
    .filter((s) => s.length > 0)
    .map(Number)
  return picked.length > 0 && picked.every((n) => Number.isInteger(n) && n >= 1 && n <= max) ? picked : undefined
}

const choose = (
  choices: ReadonlyArray<string>,
  prompt: string,
  onChosen: (indexes: ReadonlyArray<number>) => Promise<void>,
  multiple = false,
  /** Inside a form every line answers; in the chat a line that is not a number is a message. */
  insideForm = false
): Question => {
  choices.forEach((c, i) => {
    out(`    ${i + 1}. ${c}`)
  })
  return {
    prompt,
    accepts: (line) => insideForm || /^[\d\s,]+$/.test(line.trim()),
    answer: async (line) => {
      const picked = numbers(line, choices.length)
      if (picked === undefined || (!multiple && picked.length > 1)) {
        out(`  Type ${multiple ? "numbers" : "a number"} from 1 to ${choices.length}.`)
        return
      }
      question = undefined
      await onChosen(picked.map((n) => n - 1))
    }
  }
}

const slotText = (startTime: string, seconds: number) => {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(startTime)
  return `${m?.[1] ?? startTime} ${m?.[2] ?? ""} UTC (${Math.round(seconds / 60)} min)`
}

/** A form, one prompt per page; an empty answer keeps an optional field as the business has it. */
const runForm = (entry: WireReceived) => {
  const form = entry.interactive?.data?.dynamic?.data
  const pages = form?.pages ?? []
  const answers: Record<string, string | ReadonlyArray<string>> = {}
  const pageAt = (page: WireFormPage | undefined): void => {
    if (page === undefined) {
      out("  Submitting the form…")
      void reply(entry, { kind: "form", answers })
      return
    }
    const nextOf = (chosen: string | undefined) => {
      if (page.submitForm === true) return undefined
      const item = page.pageItems?.find((i) => (i.value ?? i.title) === chosen)
      const id = item?.nextPageIdentifier ?? page.nextPageIdentifier
      return id !== undefined ? pages.find((p) => p.pageIdentifier === id) : pages[pages.indexOf(page) + 1]
    }
    out(`  ${page.title}${page.subtitle !== undefined ? ` — ${page.subtitle}` : ""}`)
    if (page.type === "select" || page.type === "picker") {
      const items = page.pageItems ?? []
      ask(
        choose(
          items.map((i) => i.title),
          page.multipleSelection === true ? "Numbers, separated by commas:" : "Number:",
          async (picked) => {
            const chosen = picked.map((i) => items[i]?.value ?? items[i]?.title ?? "")
            answers[page.pageIdentifier] = page.multipleSelection === true ? chosen : (chosen[0] ?? "")
            pageAt(nextOf(chosen[0]))
          },
          page.multipleSelection === true,
          true
        )
      )
      return
    }
    const hint =
      page.type === "datePicker"
        ? "YYYY-MM-DD"
        : page.options?.placeholder !== undefined
          ? `Enter keeps: ${page.options.placeholder.replace(/\n/g, ", ")}`
          : page.options?.required === true
            ? "required"
            : "Enter to skip"
    ask({
      prompt: `(${hint}) >`,
      accepts: () => true,
      answer: async (line) => {
        const problem = formAnswerProblem(page, line.trim())
        if (problem !== undefined) {
          out(`  ${page.title} ${problem}.`)
          pageAt(page)
          return
        }
        if (line.trim().length > 0) answers[page.pageIdentifier] = line.trim()
        question = undefined
        pageAt(nextOf(undefined))
      }
    })
  }
  if (form?.splash?.header !== undefined)
    out(`  ${form.splash.header}${form.splash.splashtext ? `: ${form.splash.splashtext}` : ""}`)
  pageAt(pages.find((p) => p.pageIdentifier === form?.startPageIdentifier) ?? pages[0])
}

const yesNo = (prompt: string, onAnswer: (yes: boolean) => Promise<void>): Question => ({
  prompt: `${prompt} [Y/n]`,
  accepts: (line) => /^(y|yes|n|no|)$/i.test(line.trim()),
  answer: async (line) => {
    question = undefined
    await onAnswer(!/^n/i.test(line.trim()))
  }
})

const show = (entry: WireEntry) => {
  if (entry.direction === "out") {
    if (entry.status !== 0 && !entry.delivered) out(`! Not Delivered (Parley answered ${entry.status})`)
    return
  }
  const data = entry.interactive?.data
  switch (entry.kind) {
    case "typingStart":
      out("… Parley is typing")
      return
    case "typingEnd":
      return
    case "text":
      out(`Parley: ${(entry.body ?? "").replace(/\uFFFC/g, "")}`)
      for (const a of entry.attachments ?? [])
        out(`  📎 ${a.name} (${a.mimeType}, ${a.size} bytes) ${base}/device/api/${a.path}`)
      return
    case "richLink":
      out(`Parley: 🔗 ${entry.richLinkData?.title ?? ""}\n  ${entry.richLinkData?.url ?? ""}`)
      return
    case "quickReply": {
      const quick = data?.["quick-reply"]
      out(`Parley: ${quick?.summaryText ?? ""}`)
      const items = quick?.items ?? []
      ask(
        choose(
          items.map((i) => i.title),
          "Number (or just write):",
          ([i]) => reply(entry, { kind: "quickReply", identifier: items[i ?? 0]?.identifier ?? "" })
        )
      )
      return
    }
    case "listPicker": {
      out(`Parley: [list] ${entry.title ?? ""}`)
      const sections = data?.listPicker?.sections ?? []
      const items = sections.flatMap((s) => s.items.map((item) => ({ item, section: s })))
      const multiple = sections.some((s) => s.multipleSelection === true)
      ask(
        choose(
          items.map(
            ({ item, section }) =>
              `${section.title !== undefined ? `${section.title}: ` : ""}${item.title}${item.subtitle !== undefined ? ` (${item.subtitle})` : ""}`
          ),
          multiple ? "Numbers, separated by commas (or just write):" : "Number (or just write):",
          (picked) =>
            reply(entry, { kind: "listPicker", identifiers: picked.map((i) => items[i]?.item.identifier ?? "") }),
          multiple
        )
      )
      return
    }
    case "timePicker": {
      const event = data?.event
      out(`Parley: [time picker] ${entry.title ?? event?.title ?? ""}`)
      const slots = event?.timeslots ?? []
      ask(
        choose(
          slots.map((s) => slotText(s.startTime, s.duration)),
          "Number (or just write):",
          ([i]) => reply(entry, { kind: "timePicker", slot: slots[i ?? 0]?.identifier ?? "" })
        )
      )
      return
    }
    case "form":
      out(`Parley: [form] ${entry.title ?? ""}`)
      runForm(entry)
      return
    case "authenticate":
      out(`Parley: [sign in] ${entry.title ?? "Sign in"}`)
      ask(yesNo(`Sign in as ${customer.email}?`, (yes) => reply(entry, { kind: "authenticate", succeed: yes })))
      return
    case "payment": {
      const total = data?.payment?.paymentRequest.total
      out(
        `Parley: [Apple Pay] ${entry.title ?? ""} — ${total?.label ?? ""} ${total?.amount ?? ""} ${data?.payment?.paymentRequest.currencyCode ?? ""}`
      )
      ask(yesNo("Pay with Apple Pay?", (yes) => reply(entry, { kind: "payment", succeed: yes })))
      return
    }
    case "iMessageApp": {
      const app = entry.interactive
      out(`Parley: [${app?.appName ?? "iMessage app"}] ${entry.title ?? ""}`)
      if (customer.device === "mac") {
        out("  (Open on iPhone or iPad: a Mac cannot run iMessage apps.)")
        return
      }
      const slots = new URLSearchParams((app?.URL ?? "").replace(/^[^?]*\?/, ""))
        .getAll("slot")
        .map((s) => s.split("~"))
      ask(
        choose(
          slots.map(([id, start, minutes]) => (start !== undefined ? `${start} (${minutes ?? "?"} min)` : (id ?? ""))),
          "Number:",
          ([i]) => {
            const [id = "", start] = slots[i ?? 0] ?? []
            return reply(entry, { kind: "iMessageApp", query: { slot: id }, summary: start ?? id })
          }
        )
      )
      return
    }
  }
}

let since = 0
let seenViolations = 0
const poll = async () => {
  try {
    const thread = await call<WireThread & { readonly rev: number }>("GET", `${path}/thread?since=${since}`)
    since = thread.rev
    for (const entry of thread.entries) show(entry)
    for (const v of thread.violations.slice(seenViolations)) out(`! simulator violation: ${v.rule}: ${v.detail}`)
    seenViolations = thread.violations.length
  } catch (error) {
    out(`! ${error instanceof Error ? error.message : String(error)}`)
  }
  setTimeout(poll, 400)
}

out(`Messages · Parley — you are ${name} (${customer.device}: ${customer.capabilities.join(",") || "text only"})`)
out("Write a message and press Enter. /help lists the commands.")
// What was received before this session is history: only new messages are shown.
since = (await call<{ readonly rev: number }>("GET", `${path}/thread?since=${Number.MAX_SAFE_INTEGER}`)).rev
void poll()

const commands = async (line: string): Promise<boolean> => {
  const [command, ...rest] = line.trim().split(/\s+/)
  switch (command) {
    case "/help":
      out("  /attach <file>  send a file · /close  delete the conversation (Parley gets close) · /quit  leave")
      return true
    case "/quit":
      process.exit(0)
      return true
    case "/close":
      await call("POST", `${path}/close`).then(
        () => out("  You deleted this conversation."),
        (e: unknown) => out(`! ${String(e)}`)
      )
      return true
    case "/attach": {
      const file = rest.join(" ")
      const data = await readFile(file).catch(() => undefined)
      if (data === undefined) out(`! cannot read ${file}`)
      else
        await call("POST", `${path}/attachments`, {
          name: basename(file),
          mimeType: "application/octet-stream",
          data: data.toString("base64")
        }).catch((e: unknown) => out(`! ${String(e)}`))
      return true
    }
    default:
      return false
  }
}

const lines = createInterface({ input: process.stdin, terminal: false })
for await (const line of lines) {
  if (await commands(line)) continue
  const pending = question
  if (pending?.accepts(line) === true) {
    await pending.answer(line)
    continue
  }
  if (line.trim().length === 0) continue
  question = undefined
  await call("POST", `${path}/say`, { text: line }).catch((e: unknown) =>
    out(`! Not Delivered: ${e instanceof Error ? e.message : String(e)}`)
  )
}
