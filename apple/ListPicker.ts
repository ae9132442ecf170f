import { Schema } from "effect"
import { type BubbleOptions, type BuiltInteractive, interactive } from "./InteractiveCommon.ts"

/** Capability `LIST`. */
export const ListPickerItem = Schema.Struct({
  identifier: Schema.NonEmptyString,
  title: Schema.NonEmptyString,
  subtitle: Schema.optional(Schema.String),
  order: Schema.optional(Schema.Int),
  style: Schema.optional(Schema.Literal("default")),
  imageIdentifier: Schema.optional(Schema.String)
})

export const ListPickerSection = Schema.Struct({
  title: Schema.optional(Schema.String),
  order: Schema.optional(Schema.Int),
  multipleSelection: Schema.optional(Schema.Boolean),
  items: Schema.Array(ListPickerItem).pipe(Schema.minItems(1))
})

export const ListPicker = Schema.Struct({ sections: Schema.Array(ListPickerSection).pipe(Schema.minItems(1)) })
export type ListPicker = typeof ListPicker.Type

export interface ListPickerOptions extends BubbleOptions {
  readonly title: string
  readonly subtitle?: string
  readonly replyTitle?: string
  readonly sections: ReadonlyArray<{
    readonly title?: string
    readonly multipleSelection?: boolean
    readonly items: ReadonlyArray<{
      readonly identifier: string
      readonly title: string
      readonly subtitle?: string
      readonly imageIdentifier?: string
    }>
  }>
}

export const make = (options: ListPickerOptions): BuiltInteractive<"listPicker", ListPicker> => {
  const sections = options.sections.map((section, s) => ({
    ...(section.title !== undefined ? { title: section.title } : {}),
    order: s,
    multipleSelection: section.multipleSelection ?? false,
    items: section.items.map((item, i) => ({ ...item, order: i, style: "default" as const }))
  }))
  if (sections.length === 0 || sections.some((s) => s.items.length === 0))
    throw new Error("ListPicker.make: every section needs items")
  const picker: ListPicker = { sections }
  return interactive("listPicker", picker, {
    ...options,
    receivedMessage: options.receivedMessage ?? {
      title: options.title,
      style: "icon",
      ...(options.subtitle !== undefined ? { subtitle: options.subtitle } : {})
    },
    replyMessage: options.replyMessage ?? { title: options.replyTitle ?? "Selected", style: "icon" }
  })
}
