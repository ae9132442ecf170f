import type { Option, Topic } from "./Topic.ts"

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

/** Lower case, punctuation out, synonyms folded: what keywords are matched against. */
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

export const commandOf = (text: string): Command | undefined => {
  const words = normalize(text)
  if (words.length > 10) return undefined
  if (agentWords.some((w) => containsPhrase(words, w))) return "agent"
  if (text.trim() === "?" || menuWords.some((w) => containsPhrase(words, w))) return "menu"
  return undefined
}

/**
 * The topic the text asks for: the one with the most matching keywords (longer phrases count
 * more, so "my cases" beats "case"); undefined when nothing matches.
 */
export const intentOf = (text: string, candidates: ReadonlyArray<Topic>): Topic | undefined => {
  const words = normalize(text)
  let best: { topic: Topic; score: number } | undefined
  for (const topic of candidates) {
    const score = topic.keywords
      .filter((k) => containsPhrase(words, k))
      .reduce((sum, k) => sum + normalize(k).length, 0)
    if (score > 0 && (best === undefined || score > best.score)) best = { topic, score }
  }
  return best?.topic
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

/**
 * A typed answer to a numbered choice (the text fallback): its number, its title, an option's
 * synonym, or a word of the title that only one option has.
 */
export const optionOf = (text: string, options: ReadonlyArray<Option>): Option | undefined => {
  const trimmed = text.trim()
  const n = /^#?(\d{1,2})\.?$/.exec(trimmed)
  if (n !== null) return options[Number(n[1]) - 1]
  const words = normalize(trimmed)
  if (words.length === 0) return undefined
  const exact = options.find((o) => normalize(o.title).join(" ") === words.join(" ") || o.id === trimmed)
  if (exact !== undefined) return exact
  const bySynonym = options.filter((o) => (o.synonyms ?? []).some((s) => containsPhrase(words, s)))
  if (bySynonym.length === 1) return bySynonym[0]
  const byWord = options.filter((o) =>
    normalize(`${o.title} ${o.subtitle ?? ""}`).some((w) => w.length > 2 && words.includes(w))
  )
  return byWord.length === 1 ? byWord[0] : undefined
}
