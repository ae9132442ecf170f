import { Option, Schema } from "effect"

/**
 * Tapbacks reach us as ordinary `text` in the device's language (no structured field was found);
 * these are the English sentences seen in the wild (docs/apple.md, "Tapbacks").
 */
export const Tapback = Schema.Struct({
  reaction: Schema.Literal("liked", "loved", "laughed", "emphasized", "questioned", "disliked", "emoji"),
  emoji: Schema.optional(Schema.String),
  /** Quoted text of the message reacted to, or a description like `an image`. */
  target: Schema.String
})
export type Tapback = typeof Tapback.Type

const verbs: ReadonlyArray<readonly [RegExp, Tapback["reaction"]]> = [
  [/^Liked (.+)$/s, "liked"],
  [/^Loved (.+)$/s, "loved"],
  [/^Laughed at (.+)$/s, "laughed"],
  [/^Emphasized (.+)$/s, "emphasized"],
  [/^Questioned (.+)$/s, "questioned"],
  [/^Disliked (.+)$/s, "disliked"]
]

const quoted = /^[“"](.*)[”"]$/s
const described = /^(an? (image|video|audio message|attachment|sticker)|\d+ Business Messages?)$/

const targetOf = (rest: string): string | undefined => {
  const q = quoted.exec(rest)
  if (q?.[1] !== undefined) return q[1]
  return described.test(rest) ? rest : undefined
}

export const parse = (body: string): Option.Option<Tapback> => {
  const emoji = /^Reacted (\S+) to (.+)$/s.exec(body)
  if (emoji?.[1] !== undefined && emoji[2] !== undefined) {
    const target = targetOf(emoji[2])
    return target === undefined ? Option.none() : Option.some({ reaction: "emoji", emoji: emoji[1], target })
  }
  for (const [pattern, reaction] of verbs) {
    const m = pattern.exec(body)
    if (m?.[1] === undefined) continue
    const target = targetOf(m[1])
    if (target !== undefined) return Option.some({ reaction, target })
  }
  return Option.none()
}

/** The sentence a device would show for a tapback (the simulator sends these). */
export const sentence = (tapback: Tapback): string => {
  const target = described.test(tapback.target) ? tapback.target : `“${tapback.target}”`
  switch (tapback.reaction) {
    case "emoji":
      return `Reacted ${tapback.emoji ?? "👍"} to ${target}`
    case "laughed":
      return `Laughed at ${target}`
    default:
      return `${tapback.reaction[0]!.toUpperCase()}${tapback.reaction.slice(1)} ${target}`
  }
}
