import { ParseResult, type ParseResult as PR } from "effect"

/**
 * A decoding failure as one line a person can act on, naming the field: `offerId: expected a
 * Universally Unique Identifier, got "x"`, `body.login is missing`. Effect's tree of a union's
 * every alternative is for programmers; the REST API and the agent socket answer with this.
 */

type Issue = PR.ArrayFormatterIssue

const key = (k: PropertyKey) => (typeof k === "number" ? `[${k}]` : String(k))

/** `content.items[0]`, prefixed with where the value came from (`body`, `query`, `path`) when given. */
const fieldOf = (path: ReadonlyArray<PropertyKey>, where: string | undefined): string =>
  [where, ...path.map(key)]
    .filter((p): p is string => p !== undefined && p !== "")
    .join(".")
    .replaceAll(".[", "[")

const sentence = (issue: Issue): string => {
  if (issue._tag === "Missing") return "is missing"
  if (issue._tag === "Unexpected") return "is not a known field"
  const message = issue.message.replace(/\s+/g, " ").replace(/, actual /, ", got ")
  return message.charAt(0).toLowerCase() + message.slice(1)
}

/** The most specific issue: the deepest path (a union's alternatives all fail at their discriminator first). */
const mostSpecific = (issues: ReadonlyArray<Issue>, skip: (issue: Issue) => boolean): Issue | undefined =>
  issues
    .filter((issue) => !skip(issue))
    .reduce<Issue | undefined>(
      (best, issue) => (best === undefined || issue.path.length > best.path.length ? issue : best),
      undefined
    ) ?? issues[0]

const maxChars = 300

const typeMismatch = /^Expected (.*), actual (.*)$/s

/** A literal union fails once per member at the same field: said once, as "one of". */
const merged = (issue: Issue, issues: ReadonlyArray<Issue>): Issue => {
  const same = issues.filter(
    (i) => i._tag === "Type" && i.path.length === issue.path.length && i.path.every((k, n) => k === issue.path[n])
  )
  if (issue._tag !== "Type" || same.length < 2) return issue
  const parts = same.map((i) => typeMismatch.exec(i.message))
  if (parts.some((p) => p === null)) return issue
  const expected = parts.map((p) => p?.[1] ?? "").join(", ")
  return { ...issue, message: `Expected one of ${expected}, actual ${parts[0]?.[2] ?? ""}` }
}

export const oneLine = (
  error: ParseResult.ParseError,
  options: { readonly where?: string; readonly skip?: (issue: Issue) => boolean } = {}
): string => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const found = mostSpecific(issues, options.skip ?? (() => false))
  const issue = found === undefined ? undefined : merged(found, issues)
  if (issue === undefined) return `${options.where ?? "input"}: could not be read`
  const field = fieldOf(issue.path, options.where)
  const said = sentence(issue)
  const line =
    field === ""
      ? said
      : issue._tag === "Missing" || issue._tag === "Unexpected"
        ? `${field} ${said}`
        : `${field}: ${said}`
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line
}
