import { analyse } from "./Language.ts"

/** Word forms a customer types that mean the same to the matcher. */
const synonyms: Readonly<Record<string, string>> = {
  replacing: "replace",
  replaced: "replace",
  substitute: "replace",
  misplaced: "lost",
  lose: "lost",
  theft: "stolen",
  broke: "damaged",
  broken: "damaged",
  humans: "human",
  agents: "agent",
  representatives: "representative",
  people: "person",
  refinancing: "refinance",
  refi: "refinance",
  mortgages: "mortgage",
  articles: "article",
  cases: "case",
  ticket: "case",
  tickets: "case",
  thx: "thanks",
  ty: "thanks",
  cya: "bye",
  catalogue: "catalog"
}

/** Lower case, punctuation out, synonyms folded: what command words are matched against. */
export const normalize = (text: string): ReadonlyArray<string> =>
  text
    .toLowerCase()
    .replace(/[’']/g, "")
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .map((w) => synonyms[w] ?? w)

const containsPhrase = (words: ReadonlyArray<string>, phrase: string): boolean => {
  const target = normalize(phrase)
  if (target.length === 0) return false
  for (let i = 0; i + target.length <= words.length; i++) {
    if (target.every((t, j) => words[i + j] === t)) return true
  }
  return false
}

/** Commands that work at any step (Apple's standard trigger words included). */
export type Command = "agent" | "menu"

const agentWords = ["agent", "human", "person", "representative", "live agent", "talk to someone", "operator"]
const menuWords = ["menu", "list", "start over", "main menu"]

/** "I don't want to talk to a person" asks for no one. */
const refusesAgent = (text: string): boolean =>
  analyse(text).words.some(
    (w) => w.negated && ["agent", "human", "person", "representative", "operator", "talk", "speak"].includes(w.lemma)
  )

export const commandOf = (text: string): Command | undefined => {
  const words = normalize(text)
  if (words.length > 10) return undefined
  if (agentWords.some((w) => containsPhrase(words, w))) return refusesAgent(text) ? undefined : "agent"
  if (text.trim() === "?" || menuWords.some((w) => containsPhrase(words, w))) return "menu"
  return undefined
}

const yesWords = ["yes", "yeah", "yep", "sure", "ok", "okay", "please", "y"]
const noWords = ["no", "nope", "nah", "n", "no thanks", "im good", "im done", "nothing"]

export const yesOrNo = (text: string): "yes" | "no" | undefined => {
  const words = normalize(text)
  if (noWords.some((w) => containsPhrase(words, w))) return "no"
  if (yesWords.some((w) => containsPhrase(words, w))) return "yes"
  return undefined
}

export const isSkip = (text: string): boolean => {
  const words = normalize(text)
  return (
    words.length <= 3 && ["skip", "no", "none", "nothing", "nope", "n a", "na"].some((w) => containsPhrase(words, w))
  )
}
