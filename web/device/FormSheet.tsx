import { useId, useState } from "react"
import type { WireFormPage, WireReceived, WireReply } from "../../sim/SimControlWire.ts"
import { formAnswerProblem } from "../../sim/SimReplyCheck.ts"
import { ChoiceRow } from "./ChoiceRow.tsx"
import { imageSrc } from "./format.ts"
import { Sheet } from "./Sheet.tsx"

type Answers = Readonly<Record<string, ReadonlyArray<string>>>

const nextOf = (pages: ReadonlyArray<WireFormPage>, page: WireFormPage, answer: ReadonlyArray<string>) => {
  if (page.submitForm === true) return undefined
  const item = page.pageItems?.find((i) => answer.includes(i.value ?? i.title))
  const id = item?.nextPageIdentifier ?? page.nextPageIdentifier
  if (id !== undefined) return pages.find((p) => p.pageIdentifier === id)
  return pages[pages.indexOf(page) + 1]
}

const PageInput = ({
  page,
  value,
  onChange,
  images
}: {
  readonly page: WireFormPage
  readonly value: ReadonlyArray<string>
  readonly onChange: (value: ReadonlyArray<string>) => void
  readonly images: Parameters<typeof imageSrc>[0]
}) => {
  const options = page.options
  const label = options?.labelText ?? page.title
  const inputId = useId()
  if (page.type === "select") {
    return (
      <ul className="list-items" aria-label={label}>
        {(page.pageItems ?? []).map((item) => {
          const v = item.value ?? item.title
          const selected = value.includes(v)
          return (
            <ChoiceRow
              key={item.identifier ?? v}
              name={page.pageIdentifier}
              multiple={page.multipleSelection === true}
              checked={selected}
              onChange={() =>
                onChange(
                  page.multipleSelection === true ? (selected ? value.filter((x) => x !== v) : [...value, v]) : [v]
                )
              }
              image={imageSrc(images, item.imageIdentifier)}
              title={item.title}
            />
          )
        })}
      </ul>
    )
  }
  if (page.type === "picker") {
    const items = page.pageItems ?? []
    return (
      <label className="form-field">
        <span className="form-label">{page.pickerTitle ?? label}</span>
        <select className="form-input" value={value[0] ?? ""} onChange={(e) => onChange([e.target.value])}>
          <option value="" disabled>
            Choose…
          </option>
          {items.map((item) => (
            <option key={item.identifier ?? item.title} value={item.value ?? item.title}>
              {item.title}
            </option>
          ))}
        </select>
      </label>
    )
  }
  if (page.type === "datePicker") {
    return (
      <label className="form-field">
        <span className="form-label">{label}</span>
        <input
          className="form-input"
          type="date"
          value={value[0] ?? ""}
          {...(options?.minimumDate !== undefined ? { min: options.minimumDate.slice(0, 10) } : {})}
          {...(options?.maximumDate !== undefined ? { max: options.maximumDate.slice(0, 10) } : {})}
          onChange={(e) => onChange(e.target.value === "" ? [] : [e.target.value])}
        />
      </label>
    )
  }
  const multiline = options?.inputType === "multiline"
  const common = {
    id: inputId,
    className: "form-input",
    value: value[0] ?? "",
    placeholder: options?.placeholder ?? "",
    maxLength: options?.maximumCharacterCount ?? (multiline ? 300 : 30)
  }
  return (
    <div className="form-field">
      <label className="form-label" htmlFor={inputId}>
        {label}
      </label>
      <span className="form-input-row">
        {options?.prefixText !== undefined ? <span className="form-prefix">{options.prefixText}</span> : null}
        {multiline ? (
          <textarea {...common} rows={4} onChange={(e) => onChange(e.target.value === "" ? [] : [e.target.value])} />
        ) : (
          <input
            {...common}
            type={options?.keyboardType === "emailAddress" ? "email" : "text"}
            inputMode={options?.keyboardType === "phonePad" || options?.keyboardType === "numberPad" ? "tel" : "text"}
            onChange={(e) => onChange(e.target.value === "" ? [] : [e.target.value])}
          />
        )}
      </span>
      <span className="form-count">
        {(value[0] ?? "").length}/{common.maxLength}
      </span>
    </div>
  )
}

/**
 * A form as Messages runs it: the splash page, one page per screen (Back / Next, checked before
 * moving on), the summary when asked, then Submit. Empty optional fields are left out of the answer,
 * so a prefilled value (shown as the placeholder) stays as the business has it.
 */
export const FormSheet = ({
  entry,
  onAnswer,
  onCancel
}: {
  readonly entry: WireReceived
  readonly onAnswer: (reply: WireReply) => void
  readonly onCancel: () => void
}) => {
  const form = entry.interactive?.data?.dynamic?.data
  const images = entry.interactive?.data?.images
  const pages = form?.pages ?? []
  const start = pages.find((p) => p.pageIdentifier === form?.startPageIdentifier) ?? pages[0]
  const [step, setStep] = useState<"splash" | "page" | "summary">(form?.splash !== undefined ? "splash" : "page")
  const [path, setPath] = useState<ReadonlyArray<WireFormPage>>(start === undefined ? [] : [start])
  const [answers, setAnswers] = useState<Answers>({})
  const [problem, setProblem] = useState<string | undefined>(undefined)
  const page = path[path.length - 1]
  const submit = () => {
    const visited = Object.fromEntries(
      path.flatMap((p) => {
        const a = answers[p.pageIdentifier] ?? []
        return a.length === 0
          ? []
          : [[p.pageIdentifier, p.type === "select" && p.multipleSelection === true ? a : (a[0] ?? "")]]
      })
    )
    onAnswer({ kind: "form", answers: visited })
  }
  const next = () => {
    if (page === undefined) return
    const answer = answers[page.pageIdentifier] ?? []
    const issue =
      (page.type === "select" || page.type === "picker") && answer.length === 0
        ? "Choose an option to continue."
        : formAnswerProblem(page, answer)
    if (issue !== undefined) {
      setProblem(`${page.title}: ${issue}`)
      return
    }
    setProblem(undefined)
    const following = nextOf(pages, page, answer)
    if (following === undefined) {
      if (form?.showSummary === true) setStep("summary")
      else submit()
      return
    }
    setPath([...path, following])
  }
  const back = () => {
    setProblem(undefined)
    if (step === "summary") setStep("page")
    else if (path.length > 1) setPath(path.slice(0, -1))
    else if (form?.splash !== undefined) setStep("splash")
  }
  const last = page !== undefined && nextOf(pages, page, answers[page.pageIdentifier] ?? []) === undefined
  const splash = form?.splash
  const splashImage = imageSrc(images, splash?.imageIdentifier)
  return (
    <Sheet title={entry.title ?? "Form"} onCancel={onCancel} full>
      {step === "splash" && splash !== undefined ? (
        <div className="form-splash">
          {splashImage !== undefined ? <img className="form-splash-image" src={splashImage} alt="" /> : null}
          <h3 className="form-splash-header">{splash.header ?? entry.title}</h3>
          {splash.splashtext !== undefined ? <p className="form-splash-text">{splash.splashtext}</p> : null}
          <button type="button" className="primary-button" onClick={() => setStep("page")}>
            {splash.buttonTitle ?? "Get Started"}
          </button>
        </div>
      ) : step === "summary" ? (
        <div className="form-page">
          <h3 className="form-page-title">Summary</h3>
          <dl className="form-summary">
            {path.map((p) => (
              <div key={p.pageIdentifier}>
                <dt>{p.title}</dt>
                <dd>
                  {(answers[p.pageIdentifier] ?? [])
                    .map((v) => p.pageItems?.find((item) => (item.value ?? item.title) === v)?.title ?? v)
                    .join(", ") ||
                    p.options?.placeholder ||
                    "—"}
                </dd>
              </div>
            ))}
          </dl>
          <div className="form-nav">
            <button type="button" className="secondary-button" onClick={back}>
              Back
            </button>
            <button type="button" className="primary-button" onClick={submit}>
              Submit
            </button>
          </div>
        </div>
      ) : page !== undefined ? (
        <div className="form-page" key={page.pageIdentifier}>
          <p className="form-progress">
            Step {path.length} of {Math.max(path.length, pages.length)}
          </p>
          <h3 className="form-page-title">{page.title}</h3>
          {page.subtitle !== undefined ? <p className="form-page-subtitle">{page.subtitle}</p> : null}
          {page.hintText !== undefined ? <p className="form-hint">{page.hintText}</p> : null}
          <PageInput
            page={page}
            images={images}
            value={answers[page.pageIdentifier] ?? []}
            onChange={(value) => setAnswers({ ...answers, [page.pageIdentifier]: value })}
          />
          {problem !== undefined ? (
            <p className="form-problem" role="alert">
              {problem}
            </p>
          ) : null}
          <div className="form-nav">
            <button
              type="button"
              className="secondary-button"
              onClick={back}
              disabled={path.length <= 1 && splash === undefined}
            >
              Back
            </button>
            <button type="button" className="primary-button" onClick={next}>
              {last && form?.showSummary !== true ? "Submit" : "Next"}
            </button>
          </div>
        </div>
      ) : null}
    </Sheet>
  )
}
