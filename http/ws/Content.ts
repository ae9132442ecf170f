import { Effect, Schema } from "effect"
import * as AppleForm from "../../apple/Form.ts"
import * as ListPicker from "../../apple/ListPicker.ts"
import { interactive, type OutboundContent } from "../../apple/OutboundMessage.ts"
import * as QuickReply from "../../apple/QuickReply.ts"
import * as RichLink from "../../apple/RichLink.ts"
import * as TimePicker from "../../apple/TimePicker.ts"

/**
 * What the agent's composer sends, in shapes an agent (or a workspace UI) writes by hand; the
 * server builds Apple's `interactiveData` from them with the same builders the virtual agent uses.
 */

const Title = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(512))
const Id = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(100))

export const TextContent = Schema.Struct({
  kind: Schema.Literal("text"),
  body: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(10_000))
})

export const RichLinkContent = Schema.Struct({
  kind: Schema.Literal("richLink"),
  url: Schema.String.pipe(Schema.pattern(/^https?:\/\/\S+$/, { message: () => "url must be http(s)" })),
  title: Title
})

const Choice = Schema.Struct({ id: Id, title: Title, subtitle: Schema.optional(Schema.String) })

export const ListPickerContent = Schema.Struct({
  kind: Schema.Literal("listPicker"),
  title: Title,
  subtitle: Schema.optional(Schema.String),
  multipleSelection: Schema.optional(Schema.Boolean),
  items: Schema.NonEmptyArray(Choice).pipe(Schema.maxItems(50))
})

const Instant = Schema.String.pipe(
  Schema.filter((s) => !Number.isNaN(Date.parse(s)), { message: () => "start must be an ISO 8601 date-time" })
)

export const TimePickerContent = Schema.Struct({
  kind: Schema.Literal("timePicker"),
  title: Title,
  slots: Schema.NonEmptyArray(
    Schema.Struct({
      id: Schema.optional(Id),
      start: Instant,
      minutes: Schema.Int.pipe(Schema.between(1, 24 * 60))
    })
  ).pipe(Schema.maxItems(50)),
  timezoneOffsetMinutes: Schema.optional(Schema.Int.pipe(Schema.between(-720, 840)))
})

export const QuickReplyContent = Schema.Struct({
  kind: Schema.Literal("quickReply"),
  prompt: Title,
  options: Schema.Array(Schema.Struct({ id: Id, title: Title })).pipe(Schema.minItems(2), Schema.maxItems(5))
})

export const FormPage = Schema.Struct({
  /** Apple limits a page identifier to 19 characters. */
  id: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(19)),
  title: Title,
  type: Schema.Literal("input", "multiline", "select", "date"),
  required: Schema.optional(Schema.Boolean),
  placeholder: Schema.optional(Schema.String),
  options: Schema.optional(Schema.NonEmptyArray(Schema.Struct({ id: Id, title: Title })))
})

export const FormContent = Schema.Struct({
  kind: Schema.Literal("form"),
  title: Title,
  pages: Schema.NonEmptyArray(FormPage).pipe(Schema.maxItems(20))
})

export const AgentContent = Schema.Union(
  TextContent,
  RichLinkContent,
  ListPickerContent,
  TimePickerContent,
  QuickReplyContent,
  FormContent
)
export type AgentContent = typeof AgentContent.Type

const formPage = (page: typeof FormPage.Type): AppleForm.FormOptions["pages"][number] => {
  const base = { pageIdentifier: page.id, title: page.title }
  const required = page.required ?? true
  switch (page.type) {
    case "select":
      return {
        ...base,
        type: "select",
        multipleSelection: false,
        pageItems: (page.options ?? []).map((o) => ({ title: o.title, value: o.id, identifier: o.id }))
      }
    case "date":
      return { ...base, type: "datePicker", options: { dateFormat: "yyyy-MM-dd", required } }
    default:
      return {
        ...base,
        type: "input",
        options: {
          required,
          inputType: page.type === "multiline" ? "multiline" : "singleline",
          ...(page.placeholder !== undefined ? { placeholder: page.placeholder } : {})
        }
      }
  }
}

const build = (content: AgentContent): OutboundContent => {
  switch (content.kind) {
    case "text":
      return { type: "text", body: content.body }
    case "richLink":
      return RichLink.make({ url: content.url, title: content.title })
    case "listPicker":
      return interactive(
        ListPicker.make({
          title: content.title,
          ...(content.subtitle !== undefined ? { subtitle: content.subtitle } : {}),
          sections: [
            {
              multipleSelection: content.multipleSelection ?? false,
              items: content.items.map((i) => ({
                identifier: i.id,
                title: i.title,
                ...(i.subtitle !== undefined ? { subtitle: i.subtitle } : {})
              }))
            }
          ]
        })
      )
    case "timePicker":
      return interactive(
        TimePicker.make({
          title: content.title,
          slots: content.slots.map((s) => ({
            ...(s.id !== undefined ? { identifier: s.id } : {}),
            start: new Date(s.start),
            durationSeconds: s.minutes * 60
          })),
          ...(content.timezoneOffsetMinutes !== undefined
            ? { timezoneOffsetMinutes: content.timezoneOffsetMinutes }
            : {})
        })
      )
    case "quickReply":
      return interactive(
        QuickReply.make({
          summaryText: content.prompt,
          items: content.options.map((o) => ({ identifier: o.id, title: o.title }))
        })
      )
    case "form":
      return interactive(AppleForm.make({ title: content.title, pages: content.pages.map(formPage) }))
  }
}

export class ContentRejected extends Schema.TaggedError<ContentRejected>()("ContentRejected", {
  reason: Schema.String
}) {}

/** Apple's message for the agent's content; a builder's own check (it throws) becomes a rejection. */
export const toOutbound = (content: AgentContent): Effect.Effect<OutboundContent, ContentRejected> =>
  Effect.try({
    try: () => build(content),
    catch: (e) => new ContentRejected({ reason: e instanceof Error ? e.message : String(e) })
  })
