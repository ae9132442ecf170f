import { analyse, Vocabulary, wordsOf } from "./Language.ts"
import type { Option } from "./Topic.ts"

/**
 * A typed answer to a choice (list picker, quick reply, form select), matched as the customer saw
 * the options: by label ("excellent", "the visa"), by value ("5"), by a number the label itself
 * carries ("5 Excellent"), and by position only where the options were shown numbered.
 */

/** Labels that start with a number of their own ("5 Excellent"): a text fallback must not number them again. */
export const labelsCarryNumbers = (options: ReadonlyArray<Pick<Option, "title">>): boolean =>
  options.some((o) => /^\d/.test(o.title.trim()))

const numberWords: Readonly<Record<string, number>> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  last: -1
}

/** "5", "#5", "5.", "five", "option 5", "number two", "5 stars": the number alone, if that is all it says. */
const numberOf = (text: string): number | undefined => {
  const words = text
    .toLowerCase()
    .replace(/[#.!)]/g, " ")
    .split(/\s+/)
    .filter((w) => w !== "" && !["option", "number", "no", "the", "star", "stars", "please"].includes(w))
  const lone = words.length === 1 ? words[0] : undefined
  if (lone === undefined) return undefined
  if (/^\d{1,2}$/.test(lone)) return Number(lone)
  return numberWords[lone]
}

const plain = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()

/** Words that tell options apart: every word of their label and subtitle, less those all options share. */
const telling = (options: ReadonlyArray<Option>) => {
  const wordsOfOption = options.map(
    (o) =>
      new Set(
        [o.title, o.subtitle ?? ""]
          .flatMap(wordsOf)
          .flat()
          .concat(plain(o.subtitle ?? "").split(" "))
          .filter((w) => w.length > 2 || /^\d+$/.test(w))
      )
  )
  const everywhere = (w: string) => options.length > 1 && wordsOfOption.every((set) => set.has(w))
  return wordsOfOption.map((set) => new Set([...set].filter((w) => !everywhere(w))))
}

/** What matching a typed answer needs of an option set, built from its labels alone. */
interface Matcher {
  readonly tellingWords: ReadonlyArray<ReadonlySet<string>>
  readonly vocabulary: Vocabulary
}

/**
 * Matchers by option set, so a set's labels are parsed once, not at every answer typed to it (the
 * language model's parse was ~1 % of a loaded node's busy time per label; a list has several,
 * each parsed twice). Option sets are few (the topics' own, a customer's cards); the map is
 * emptied when it holds `matcherLimit` of them.
 */
const matchers = new Map<string, Matcher>()
const matcherLimit = 1_000

const matcherOf = (options: ReadonlyArray<Option>): Matcher => {
  const key = options.map((o) => [o.id, o.title, o.subtitle ?? "", ...(o.synonyms ?? [])].join("\u0001")).join("\u0000")
  const known = matchers.get(key)
  if (known !== undefined) return known
  const made: Matcher = {
    tellingWords: telling(options),
    vocabulary: new Vocabulary(
      options.flatMap((o) => [o.title, o.subtitle ?? "", ...(o.synonyms ?? [])].flatMap(wordsOf))
    )
  }
  if (matchers.size >= matcherLimit) matchers.clear()
  matchers.set(key, made)
  return made
}

const containsPhrase = (text: string, phrase: string) => ` ${plain(text)} `.includes(` ${plain(phrase)} `)

/**
 * The option a typed answer picks; undefined when it picks none or could mean more than one.
 * `numbered`: the customer was shown the options as a numbered list, so "2" may be a position.
 */
export const optionOf = (text: string, options: ReadonlyArray<Option>, numbered: boolean): Option | undefined => {
  const said = plain(text)
  if (said === "") return undefined
  const exact = options.find((o) => o.id === text.trim() || plain(o.title) === said)
  if (exact !== undefined) return exact
  const n = numberOf(text)
  if (n !== undefined) {
    const own = options.filter((o) => o.id === String(n) || plain(o.title).split(" ")[0] === String(n))
    if (own.length === 1) return own[0]
    if (numbered && !labelsCarryNumbers(options)) return n === -1 ? options.at(-1) : options[n - 1]
  }
  const bySynonym = options.filter((o) => (o.synonyms ?? []).some((s) => containsPhrase(text, s)))
  if (bySynonym.length === 1) return bySynonym[0]
  const { tellingWords, vocabulary } = matcherOf(options)
  const typed = analyse(text, vocabulary).words.flatMap((w) => (w.stop ? [] : [w.lemma]))
  const digits = said.split(" ").filter((w) => /^\d{3,}$/.test(w))
  const byWord = options.filter((_, i) =>
    [...typed, ...digits].some((w) => tellingWords[i]?.has(w) === true && !/^\d{1,2}$/.test(w))
  )
  return byWord.length === 1 ? byWord[0] : undefined
}
