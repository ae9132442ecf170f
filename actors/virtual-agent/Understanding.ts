import type { Bow } from "wink-nlp"
import similarity from "wink-nlp/utilities/similarity"
import { type Analysis, analyse, Vocabulary, type Word, wordsOf } from "./Language.ts"
import type { Act, Topic } from "./Topic.ts"
import { equivalents } from "./Topics.ts"

/**
 * What a customer's message is about, from the topics' own data (phrases, examples, what they
 * serve): one topic, several (ask which first), a short list to choose from (unsure), or nothing.
 */
export type Understood =
  | { readonly _tag: "Topic"; readonly topic: Topic; readonly act: Act }
  | { readonly _tag: "Several"; readonly topics: ReadonlyArray<Topic>; readonly act: Act }
  | { readonly _tag: "Unsure"; readonly candidates: ReadonlyArray<Topic>; readonly act: Act }
  | { readonly _tag: "Nothing" }

/** A topic's score at or above which the message is taken to be about it. */
const sure = 1.5
/** Below `sure` but at or above this: a candidate worth asking about. */
const maybe = 0.7
/** A runner-up this close to the best makes the message ambiguous between them. */
const closeRunnerUp = 0.8
/** How much the best example's word overlap (cosine, 0–1) weighs against phrase matches (1 per word). */
const exampleWeight = 2.5
/** The factor on a topic asked the other way than it serves (a question to a request topic). */
const otherAct = 0.5
/** Other words allowed between two words of a phrase ("lost my credit card" matches "lost card"). */
const maxGap = 3
/** Words used by more topics than this weight says (ln 7/4 with seven topics) are left out of example overlap. */
const telling = 0.5
/** Added in proportion to the share of the message's own words that the topic's phrases account for. */
const coverageWeight = 1

interface Compiled {
  readonly topic: Topic
  readonly phrases: ReadonlyArray<ReadonlyArray<string>>
  readonly examples: ReadonlyArray<Bow>
}

interface Model {
  readonly vocabulary: Vocabulary
  readonly topics: ReadonlyArray<Compiled>
  /** How telling a word is: ln(topics / topics using it); a word every topic uses tells nothing. */
  readonly weight: (lemma: string) => number
}

/** Words a phrase can do without ("a", "the", "to"…): every other word must be there, in order. */
const fillers = new Set(["a", "an", "the", "to", "of", "for", "on", "in", "at", "with"])

const phraseWords = (phrase: string, vocabulary: Vocabulary): ReadonlyArray<string> =>
  analyse(phrase, vocabulary)
    .words.map((w) => w.lemma)
    .filter((lemma) => !fillers.has(lemma))

/** A bag of weighted content lemmas; a negated word is its own term, so "no new card" is not "new card". */
const bagOf = (words: ReadonlyArray<Word>, weight: (lemma: string) => number): Bow => {
  const bag: Bow = {}
  for (const w of words) {
    if (w.stop || weight(w.lemma) < telling) continue
    const term = w.negated ? `not_${w.lemma}` : w.lemma
    bag[term] = (bag[term] ?? 0) + weight(w.lemma)
  }
  return bag
}

const compiled = new WeakMap<ReadonlyArray<Topic>, Model>()

const compile = (topics: ReadonlyArray<Topic>): Model => {
  const known = compiled.get(topics)
  if (known !== undefined) return known
  const usedBy = new Map<string, number>()
  const words: Array<readonly [string, string]> = []
  for (const topic of topics) {
    const u = topic.understanding
    const mine = [...u.phrases, ...u.examples].flatMap(wordsOf)
    words.push(...mine)
    for (const lemma of new Set(mine.map(([, lemma]) => equivalents[lemma] ?? lemma)))
      usedBy.set(lemma, (usedBy.get(lemma) ?? 0) + 1)
  }
  const weight = (lemma: string) => Math.log(Math.max(topics.length, 2) / (usedBy.get(lemma) ?? 1))
  const vocabulary = new Vocabulary(words, equivalents)
  const model: Model = {
    vocabulary,
    weight,
    topics: topics.map(
      (topic): Compiled => ({
        topic,
        phrases: topic.understanding.phrases.map((p) => phraseWords(p, vocabulary)).filter((p) => p.length > 0),
        examples: topic.understanding.examples.map((e) => bagOf(analyse(e, vocabulary).words, weight))
      })
    )
  }
  compiled.set(topics, model)
  return model
}

/** Where `phrase` occurs in `words` (in order, small gaps allowed): the matched words, or undefined. */
const find = (words: ReadonlyArray<Word>, phrase: ReadonlyArray<string>): ReadonlyArray<Word> | undefined => {
  for (let start = 0; start < words.length; start++) {
    if (words[start]?.lemma !== phrase[0]) continue
    const matched: Array<Word> = [words[start] as Word]
    let at = start
    for (const lemma of phrase.slice(1)) {
      let next = -1
      for (let i = at + 1; i < words.length && i <= at + 1 + maxGap; i++) {
        if (words[i]?.lemma === lemma) {
          next = i
          break
        }
      }
      if (next < 0) break
      matched.push(words[next] as Word)
      at = next
    }
    if (matched.length === phrase.length) return matched
  }
  return undefined
}

/**
 * A topic's score for these words: each phrase found adds its length, or takes it away when a
 * negation covers it ("I don't want a new card"); plus the overlap with its closest example.
 */
const scoreOf = (model: Model, c: Compiled, words: ReadonlyArray<Word>, act: Act): number => {
  let phrases = 0
  const covered = new Set<Word>()
  for (const phrase of c.phrases) {
    const matched = find(words, phrase)
    if (matched === undefined) continue
    const refused = matched.every((w) => w.negated)
    phrases += refused ? -phrase.length : phrase.length
    if (!refused) for (const w of matched) covered.add(w)
  }
  const own = words.filter((w) => !w.stop)
  const coverage = own.length === 0 ? 0 : own.filter((w) => covered.has(w)).length / own.length
  phrases += coverageWeight * coverage
  const bag = bagOf(words, model.weight)
  // One shared word is weak evidence ("card" alone): it counts half.
  const overlap = (e: Bow) => {
    const shared = Object.keys(bag).filter((term) => e[term] !== undefined).length
    return similarity.bow.cosine(bag, e) * Math.min(1, shared / 2)
  }
  const closest = Math.max(0, ...c.examples.map(overlap))
  const score = Math.max(0, phrases + exampleWeight * (Number.isNaN(closest) ? 0 : closest))
  return c.topic.understanding.serves.includes(act) ? score : score * otherAct
}

interface Ranked {
  readonly topic: Topic
  readonly score: number
}

const rank = (model: Model, words: ReadonlyArray<Word>, act: Act): ReadonlyArray<Ranked> => {
  const ranked = model.topics
    .map((c) => ({ topic: c.topic, score: scoreOf(model, c, words, act) }))
    .filter((r) => r.score >= maybe)
    .sort((a, b) => b.score - a.score)
  // A topic said in passing ("…, thanks") yields to any other the message surely names.
  const primary = ranked.filter((r) => !r.topic.understanding.secondary)
  return primary.some((r) => r.score >= sure) ? primary : ranked
}

/** The topic one clause is surely about, if any (a clear best, no close runner-up). */
const sureOf = (ranked: ReadonlyArray<Ranked>): Topic | undefined => {
  const [best, second] = ranked
  if (best === undefined || best.score < sure) return undefined
  return second !== undefined && second.score >= best.score * closeRunnerUp ? undefined : best.topic
}

const severalIn = (model: Model, analysis: Analysis, act: Act): ReadonlyArray<Topic> => {
  if (analysis.clauses.length < 2) return []
  const found: Array<Topic> = []
  for (const clause of analysis.clauses) {
    const topic = sureOf(rank(model, clause, act))
    if (topic !== undefined && !topic.understanding.secondary && !found.includes(topic)) found.push(topic)
  }
  return found.length >= 2 ? found : []
}

/** What `text` is about among `topics`. */
export const understand = (text: string, topics: ReadonlyArray<Topic>): Understood => {
  const model = compile(topics)
  const analysis = analyse(text, model.vocabulary)
  const act: Act = analysis.question ? "question" : "request"
  const several = severalIn(model, analysis, act)
  if (several.length >= 2) return { _tag: "Several", topics: several, act }
  const ranked = rank(model, analysis.words, act)
  const best = ranked[0]
  if (best === undefined) return { _tag: "Nothing" }
  const topic = sureOf(ranked)
  if (topic !== undefined) return { _tag: "Topic", topic, act }
  const candidates = ranked.filter((r) => r.score >= best.score * closeRunnerUp).slice(0, 3)
  return { _tag: "Unsure", candidates: candidates.map((r) => r.topic), act }
}

/** Each topic's score for `text`, best first (for logs and for tuning topic data). */
export const scores = (text: string, topics: ReadonlyArray<Topic>): ReadonlyArray<{ id: string; score: number }> => {
  const model = compile(topics)
  const analysis = analyse(text, model.vocabulary)
  const act: Act = analysis.question ? "question" : "request"
  return model.topics
    .map((c) => ({ id: c.topic.id, score: Math.round(scoreOf(model, c, analysis.words, act) * 100) / 100 }))
    .sort((a, b) => b.score - a.score)
}
