import type { WireFormPage, WireInteractive, WireReply } from "./SimControlWire.ts"

/**
 * What a device would not let its user send: an answer of another kind than the message, an item
 * or slot that is not offered, several items in a single-choice section, a required form field left
 * empty or one its pattern refuses. The answer names the field, for the control route's 400.
 */
export const checkReply = (
  interactive: WireInteractive,
  reply: WireReply,
  device: { readonly deviceAgent: string }
): string | undefined => {
  const data = interactive.data
  switch (reply.kind) {
    case "listPicker": {
      const sections = data?.listPicker?.sections
      if (sections === undefined) return "kind: the message is not a list picker"
      const offered = new Set(sections.flatMap((s) => s.items.map((i) => i.identifier)))
      const unknown = reply.identifiers.find((id) => !offered.has(id))
      if (unknown !== undefined) return `identifiers: "${unknown}" is not an item of the list`
      const crowded = sections.find(
        (s) =>
          s.multipleSelection !== true && s.items.filter((i) => reply.identifiers.includes(i.identifier)).length > 1
      )
      return crowded === undefined ? undefined : `identifiers: section "${crowded.title ?? ""}" takes one item`
    }
    case "timePicker": {
      const slots = data?.event?.timeslots
      if (slots === undefined) return "kind: the message is not a time picker"
      return slots.some((s) => s.identifier === reply.slot) ? undefined : `slot: "${reply.slot}" is not offered`
    }
    case "quickReply": {
      const items = data?.["quick-reply"]?.items
      if (items === undefined) return "kind: the message is not a quick reply"
      return items.some((i) => i.identifier === reply.identifier)
        ? undefined
        : `identifier: "${reply.identifier}" is not an option`
    }
    case "form": {
      const pages = data?.dynamic?.data.pages
      if (pages === undefined) return "kind: the message is not a form"
      for (const [pageIdentifier, answer] of Object.entries(reply.answers)) {
        const page = pages.find((p) => p.pageIdentifier === pageIdentifier)
        if (page === undefined) return `answers.${pageIdentifier}: the form has no such page`
        const problem = formAnswerProblem(page, answer)
        if (problem !== undefined) return `answers.${pageIdentifier}: ${problem}`
      }
      return undefined
    }
    case "authenticate":
      return data?.authenticate === undefined ? "kind: the message is not a sign-in request" : undefined
    case "payment":
      return data?.payment === undefined ? "kind: the message is not an Apple Pay request" : undefined
    case "iMessageApp":
      if (interactive.appName === undefined && interactive.URL === undefined)
        return "kind: the message is not an iMessage app"
      return /mac/i.test(device.deviceAgent) ? "kind: iMessage apps open on iPhone or iPad only" : undefined
  }
}

/** What the form's page would refuse in this answer, if anything (the device checks before Next). */
export const formAnswerProblem = (page: WireFormPage, answer: string | ReadonlyArray<string>): string | undefined => {
  const values = typeof answer === "string" ? [answer] : answer
  if (page.type === "select" || page.type === "picker") {
    const items = page.pageItems ?? []
    const unknown = values.find((v) => !items.some((i) => v === i.title || v === i.value || v === i.identifier))
    if (unknown !== undefined) return `"${unknown}" is not a choice`
    if (values.length > 1 && page.multipleSelection !== true) return "takes one choice"
    return undefined
  }
  const text = values.join("")
  const options = page.options
  if (text.length === 0) return options?.required === true ? "is required" : undefined
  if (page.type === "datePicker") return /^\d{4}-\d{2}-\d{2}$/.test(text) ? undefined : "must be a date (YYYY-MM-DD)"
  if (options?.maximumCharacterCount !== undefined && text.length > options.maximumCharacterCount)
    return `is longer than ${options.maximumCharacterCount} characters`
  if (options?.regex !== undefined && !new RegExp(options.regex).test(text)) return "is not in the expected format"
  return undefined
}
