/**
 * NATS subject matching for the in-process bus: `*` is one token, `>` the remaining
 * (at least one) tokens.
 */

const split = (subject: string): ReadonlyArray<string> => subject.split(".")

/** Does the literal `subject` match `pattern`? */
export const subjectMatches = (pattern: string, subject: string): boolean => {
  const p = split(pattern)
  const s = split(subject)
  for (let i = 0; i < p.length; i++) {
    const token = p[i]
    if (token === ">") return s.length > i
    if (i >= s.length) return false
    if (token !== "*" && token !== s[i]) return false
  }
  return p.length === s.length
}

/** Is every subject matched by `sub` also matched by `sup`? (the NATS "subset match" of two patterns) */
export const subjectIsSubset = (sub: string, sup: string): boolean => {
  const a = split(sub)
  const b = split(sup)
  for (let i = 0; i < b.length; i++) {
    const token = b[i]
    if (token === ">") return a.length > i
    const other = a[i]
    if (other === undefined || other === ">") return false
    if (token !== "*" && (other === "*" || other !== token)) return false
  }
  return a.length === b.length
}

/** Can one subject match both patterns? */
export const subjectsOverlap = (x: string, y: string): boolean => {
  const a = split(x)
  const b = split(y)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const s = a[i]
    const t = b[i]
    if (s === ">" || t === ">") return s !== undefined && t !== undefined
    if (s === undefined || t === undefined) return false
    if (s !== "*" && t !== "*" && s !== t) return false
  }
  return true
}

/** Publishers always use literal subjects: no wildcards and no empty tokens. */
export const isLiteralSubject = (subject: string): boolean =>
  subject.length > 0 && split(subject).every((token) => token.length > 0 && token !== "*" && token !== ">")
