import model from "wink-eng-lite-web-model"
import winkNLP, { type ItemToken, type ItsFunction } from "wink-nlp"
import similarity from "wink-nlp/utilities/similarity"

/**
 * What a customer's message says, read with wink-nlp's English model (shipped in the npm package,
 * nothing is fetched at run time): words with their lemma, whether a negation covers them, whether
 * they are stop words; the clauses of the message; and whether it asks a question or for something.
 */

const nlp = winkNLP(model, ["sbd", "pos", "negation"])
const its = nlp.its

// wink-nlp's typings widen every `out` to `T | string` and type `its.lemma`'s addons apart from
// the `ItsFunction` it is used as: two readers keep the casts in one place.
const read = (token: ItemToken, f: unknown): string => String(token.out(f as ItsFunction<string>))
const flag = (token: ItemToken, f: ItsFunction<boolean>): boolean => token.out(f) === true

/**
 * Words of the model's English lexicon have ids below this; a word it has never seen gets the next
 * free id when first read. So the id of a nonsense word read at load is where the lexicon ends, and
 * only words beyond it are typo candidates ("monkey" is a word, not a misspelt "money").
 */
const lexiconEnd = Number(nlp.readDoc("zzqxjvkwq").tokens().itemAt(0).out(its.uniqueId))
const inLexicon = (token: ItemToken): boolean => Number(token.out(its.uniqueId)) < lexiconEnd

export interface Word {
  /** Lower-case lemma (`lost` → `lose`, `cards` → `card`), or the vocabulary word a typo was read as. */
  readonly lemma: string
  /**
   * Refused: inside the scope of a negated wish ("I don't want a new card": a, new, card). Other
   * negations ("my card is not working", "I never got my refund") leave the words as they are.
   */
  readonly negated: boolean
  readonly stop: boolean
  readonly pos: string
}

export interface Analysis {
  readonly words: ReadonlyArray<Word>
  /** The message cut at sentence ends and at "and", "also", "then", "but": where a second intent may start. */
  readonly clauses: ReadonlyArray<ReadonlyArray<Word>>
  /** Asks for information ("how do I…", "what is…?") rather than for something to be done. */
  readonly question: boolean
}

/** Words that make a message a request even when it is phrased as a question ("can you replace…"). */
const requestVerbs = new Set(["want", "need", "like", "wish", "get", "order", "request", "have", "give", "send"])
const questionWords = new Set(["how", "what", "why", "when", "where", "which", "who", "whom", "whose"])
const politeAux = new Set(["can", "could", "would", "will", "may"])
const clauseBreaks = new Set(["and", "also", "then", "but", "plus"])

const isQuestion = (words: ReadonlyArray<Word>, endsWithQuestionMark: boolean): boolean => {
  const [first, second, third] = words
  if (first === undefined) return false
  if (words.some((w) => w.lemma === "please")) return false
  if (first.lemma === "i" && second !== undefined && requestVerbs.has(second.lemma)) return false
  if (first.lemma === "i" && second?.lemma === "would" && third?.lemma === "like") return false
  if (politeAux.has(first.lemma) && (second?.lemma === "you" || (third !== undefined && requestVerbs.has(third.lemma))))
    return false
  if (questionWords.has(first.lemma)) return true
  if (first.pos === "AUX" && (second?.pos === "PRON" || second?.lemma === "there")) return true
  // "…, what's happening with it": a question word asking on, later in the sentence.
  const asks = words.some((w, i) => questionWords.has(w.lemma) && i > 0 && words[i + 1]?.pos === "AUX")
  return asks || endsWithQuestionMark
}

const bigrams = (word: string): Set<string> => {
  const padded = `^${word}$`
  const grams = new Set<string>()
  for (let i = 0; i + 1 < padded.length; i++) grams.add(padded.slice(i, i + 2))
  return grams
}

/**
 * Words a message is matched against, as written and as lemmas; an unknown word close enough to
 * exactly one of them (by wink's Otsuka–Ochiai similarity of letter pairs) is read as that word's
 * lemma: spelling tolerance. Equivalents (`visa` → `card`) are read as the word they stand for.
 */
export class Vocabulary {
  private readonly grams = new Map<string, { readonly lemma: string; readonly grams: Set<string> }>()

  constructor(
    words: Iterable<readonly [written: string, lemma: string]>,
    private readonly equivalents: Readonly<Record<string, string>> = {}
  ) {
    for (const [written, lemma] of words) {
      if (written.length >= 3 && !this.grams.has(written)) this.grams.set(written, { lemma, grams: bigrams(written) })
    }
  }

  /** The word this one stands for (`visa` → `card`), or itself. */
  same(word: string): string {
    return this.equivalents[word] ?? word
  }

  /** The lemma of the known word a typo stands for; undefined when none is close or two are equally close. */
  correct(word: string): string | undefined {
    if (word.length < 4 || this.grams.has(word) || this.equivalents[word] !== undefined) return undefined
    const mine = bigrams(word)
    let best: { lemma: string; score: number } | undefined
    let tie = false
    for (const [written, known] of this.grams) {
      // Typos keep the first letter and about the length: "dishwasher" is no "washer".
      if (written[0] !== word[0] || Math.abs(written.length - word.length) > 2) continue
      const score = similarity.set.oo(mine, known.grams)
      if (best === undefined || score > best.score) {
        best = { lemma: known.lemma, score }
        tie = false
      } else if (score === best.score && known.lemma !== best.lemma) tie = true
    }
    return best !== undefined && best.score >= minimumSimilarity && !tie ? best.lemma : undefined
  }
}

/** Measured on the corpus in test/virtual-agent: "stollen", "crdit", "replacment", "activte" pass; "cart" ≠ "card". */
const minimumSimilarity = 0.7

/** Verbs whose negation refuses what follows ("I don't want a new card"): the rest of the scope is refused. */
const wanting = new Set(["want", "need", "like", "wish", "mean", "ask"])

/**
 * Reads `text`; with a vocabulary, unknown words are read as the known word they misspell, and
 * equivalents as the word they stand for.
 */
export const analyse = (text: string, vocabulary?: Vocabulary): Analysis => {
  const doc = nlp.readDoc(text.replace(/[’]/g, "'"))
  const words: Array<Word> = []
  const clauses: Array<Array<Word>> = [[]]
  const sentences = doc.sentences()
  let refusing = false
  let questions = false
  for (let s = 0; s < sentences.length(); s++) {
    if ((clauses.at(-1)?.length ?? 0) > 0) clauses.push([])
    const tokens = sentences.itemAt(s).tokens()
    const sentenceStart = words.length
    for (let t = 0; t < tokens.length(); t++) {
      const token = tokens.itemAt(t)
      const type = read(token, its.type)
      if (type !== "word" && type !== "number" && type !== "emoji") {
        if (token.out() === ";" && (clauses.at(-1)?.length ?? 0) > 0) clauses.push([])
        continue
      }
      const written = token.out().toLowerCase()
      const lemma = read(token, its.lemma).toLowerCase()
      const stop = flag(token, its.stopWordFlag)
      const inScope = flag(token, its.negationFlag)
      if (!inScope) refusing = false
      else if (wanting.has(lemma)) refusing = true
      const read1 =
        stop || type !== "word" || vocabulary === undefined || inLexicon(token)
          ? lemma
          : vocabulary.same(vocabulary.correct(written) ?? vocabulary.correct(lemma) ?? lemma)
      const word: Word = {
        lemma: vocabulary?.same(read1) ?? read1,
        negated: inScope && refusing,
        stop,
        pos: read(token, its.pos)
      }
      if (clauseBreaks.has(lemma) && (clauses.at(-1)?.length ?? 0) > 0) clauses.push([])
      else clauses.at(-1)?.push(word)
      words.push(word)
    }
    const sentence = words.slice(sentenceStart)
    if (isQuestion(sentence, sentences.itemAt(s).out().trim().endsWith("?"))) questions = true
  }
  return { words, clauses: clauses.filter((c) => c.length > 0), question: questions }
}

/** The words of a phrase or example as written in topic data, each with its lemma (data is spelled right). */
export const wordsOf = (text: string): ReadonlyArray<readonly [written: string, lemma: string]> => {
  const doc = nlp.readDoc(text.replace(/[’]/g, "'"))
  const tokens = doc.tokens()
  const out: Array<readonly [string, string]> = []
  for (let t = 0; t < tokens.length(); t++) {
    const token = tokens.itemAt(t)
    if (read(token, its.type) === "word") out.push([token.out().toLowerCase(), read(token, its.lemma).toLowerCase()])
  }
  return out
}
