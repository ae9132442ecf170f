import { Effect, Schema } from "effect"
import { OBJECT_REPLACEMENT } from "../../apple/Attachment.ts"
import * as AppleForm from "../../apple/Form.ts"
import * as ListPicker from "../../apple/ListPicker.ts"
import { interactive, type OutboundContent } from "../../apple/OutboundMessage.ts"
import * as QuickReply from "../../apple/QuickReply.ts"
import * as RichLink from "../../apple/RichLink.ts"
import * as TimePicker from "../../apple/TimePicker.ts"
import type { AgentContent, FormPage } from "./AgentContent.ts"

/** Builds Apple's messages from the composer's content (`AgentContent.ts`). */
export { AgentContent } from "./AgentContent.ts"

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
    case "attachment":
      // One U+FFFC marks where the file shows; the sender uploads it and adds it (`AppleOutbound.ts`).
      return { type: "text", body: `${content.caption ?? ""}${OBJECT_REPLACEMENT}` }
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
