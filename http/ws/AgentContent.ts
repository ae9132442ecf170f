import { Schema } from "effect"

/**
 * What the agent's composer sends, in shapes an agent (or a workspace UI) writes by hand; the
 * server builds Apple's `interactiveData` from them (`Content.ts`) with the same builders the
 * virtual agent uses. Kept apart from the builders so the browser can import the Schemas.
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

/**
 * A file uploaded first with `POST /api/conversations/:id/attachments` (which answers its `id`),
 * sent with an optional caption above it.
 */
export const AttachmentContent = Schema.Struct({
  kind: Schema.Literal("attachment"),
  id: Schema.UUID,
  caption: Schema.optional(Schema.String.pipe(Schema.maxLength(10_000)))
})

export const AgentContent = Schema.Union(
  TextContent,
  AttachmentContent,
  RichLinkContent,
  ListPickerContent,
  TimePickerContent,
  QuickReplyContent,
  FormContent
)
export type AgentContent = typeof AgentContent.Type
