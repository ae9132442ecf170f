import type { AgentContent } from "../../http/ws/AgentContent.ts"
import type { Chat } from "./store.ts"

export type Kind = AgentContent["kind"]

/** The composer's kinds and what each needs from the device (apple/CapabilityGate.ts decides the same on the server). */
export const kinds: ReadonlyArray<{ readonly kind: Kind; readonly label: string; readonly needs?: string }> = [
  { kind: "text", label: "Text" },
  { kind: "richLink", label: "Rich link" },
  { kind: "listPicker", label: "List picker", needs: "LIST" },
  { kind: "timePicker", label: "Time picker", needs: "TIME" },
  { kind: "quickReply", label: "Quick reply", needs: "QUICK" },
  { kind: "form", label: "Form", needs: "FORM" }
]

const isIos = (agent: string | null | undefined) =>
  agent === null || agent === undefined || /iphone|ipad|ios/i.test(agent)

/** Why the customer's device cannot show `kind`, or undefined when it can. */
export const missing = (kind: Kind, chat: Pick<Chat, "context">): string | undefined => {
  const need = kinds.find((k) => k.kind === kind)?.needs
  const capabilities = chat.context?.interaction.capabilities ?? []
  if (need !== undefined && !capabilities.includes(need))
    return `The customer's device does not support ${need === "LIST" ? "list pickers" : need === "TIME" ? "time pickers" : need === "QUICK" ? "quick replies" : "forms"}`
  if (kind === "form" && !isIos(chat.context?.interaction.deviceAgent)) return "Forms show only on an iPhone or iPad"
  return undefined
}
