import { Schema } from "effect"
import { type BubbleOptions, type BuiltInteractive, interactive } from "./InteractiveCommon.ts"

/**
 * Capability `FORM` (iPhone/iPad only). Open question: the `template` value on send. Replies seen
 * in the wild say `messageForms`, one vendor sends `form`; we send `messageForms` and the simulator
 * accepts both.
 */
export const FORM_TEMPLATE = "messageForms"

export const PageItem = Schema.Struct({
  title: Schema.String,
  value: Schema.optional(Schema.String),
  identifier: Schema.optional(Schema.String),
  imageIdentifier: Schema.optional(Schema.String),
  nextPageIdentifier: Schema.optional(Schema.String)
})

export const PageOptions = Schema.Struct({
  regex: Schema.optional(Schema.String),
  placeholder: Schema.optional(Schema.String),
  required: Schema.optional(Schema.Boolean),
  inputType: Schema.optional(Schema.Literal("singleline", "multiline")),
  labelText: Schema.optional(Schema.String),
  prefixText: Schema.optional(Schema.String),
  maximumCharacterCount: Schema.optional(Schema.Int.pipe(Schema.positive())),
  keyboardType: Schema.optional(Schema.String),
  textContentType: Schema.optional(Schema.String),
  dateFormat: Schema.optional(Schema.String),
  startDate: Schema.optional(Schema.String),
  maximumDate: Schema.optional(Schema.String),
  minimumDate: Schema.optional(Schema.String)
})

export const Page = Schema.Struct({
  pageIdentifier: Schema.NonEmptyString.pipe(Schema.maxLength(19)),
  type: Schema.Literal("select", "picker", "datePicker", "input"),
  title: Schema.NonEmptyString,
  subtitle: Schema.optional(Schema.String),
  nextPageIdentifier: Schema.optional(Schema.String),
  submitForm: Schema.optional(Schema.Boolean),
  multipleSelection: Schema.optional(Schema.Boolean),
  pickerTitle: Schema.optional(Schema.String),
  selectedItemIndex: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  hintText: Schema.optional(Schema.String),
  pageItems: Schema.optional(Schema.Array(PageItem)),
  options: Schema.optional(PageOptions)
})
export type Page = typeof Page.Type

export const Splash = Schema.Struct({
  header: Schema.optional(Schema.String),
  splashtext: Schema.optional(Schema.String),
  buttonTitle: Schema.optional(Schema.String),
  imageIdentifier: Schema.optional(Schema.String)
})

export const Form = Schema.Struct({
  version: Schema.optional(Schema.String),
  template: Schema.Literal("messageForms", "form"),
  data: Schema.Struct({
    splash: Schema.optional(Splash),
    startPageIdentifier: Schema.NonEmptyString,
    showSummary: Schema.optional(Schema.Boolean),
    pages: Schema.Array(Page).pipe(Schema.minItems(1))
  })
})
export type Form = typeof Form.Type

export interface FormOptions extends BubbleOptions {
  readonly title: string
  readonly replyTitle?: string
  readonly splash?: typeof Splash.Type
  readonly showSummary?: boolean
  /** In order; each page goes on to the next unless it says otherwise, the last one submits. */
  readonly pages: ReadonlyArray<Omit<Page, "submitForm">>
}

export const make = (options: FormOptions): BuiltInteractive<"dynamic", Form> => {
  const first = options.pages[0]
  if (first === undefined) throw new Error("Form.make: needs pages")
  const pages = options.pages.map((page, i): Page => {
    const next = options.pages[i + 1]
    if (next === undefined) return { ...page, submitForm: true }
    return { ...page, nextPageIdentifier: page.nextPageIdentifier ?? next.pageIdentifier }
  })
  const form: Form = {
    version: "1.1",
    template: FORM_TEMPLATE,
    data: {
      ...(options.splash !== undefined ? { splash: options.splash } : {}),
      startPageIdentifier: first.pageIdentifier,
      showSummary: options.showSummary ?? true,
      pages
    }
  }
  return interactive("dynamic", form, {
    ...options,
    receivedMessage: options.receivedMessage ?? { title: options.title, style: "icon" },
    replyMessage: options.replyMessage ?? { title: options.replyTitle ?? "Submitted", style: "icon" }
  })
}
