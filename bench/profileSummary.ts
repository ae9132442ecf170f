/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. `BENCH_CPU_PROF=<dir>` of
 * bench/conversation.ts): self time by package (node_modules name, our folder, or node's own) and
 * the top functions.
 *
 *   npx tsx bench/profileSummary.ts <file.cpuprofile> [top] [from-seconds] [to-seconds]
 *
 * `from`/`to` keep the samples taken in that window of the profile (seconds from its start): a
 * node's whole-life profile holds start-up, seeding and idle time around a benchmark's load.
 */
import { readFileSync } from "node:fs"
import { Schema } from "effect"

const CallFrame = Schema.Struct({ functionName: Schema.String, url: Schema.String, lineNumber: Schema.Number })
const Profile = Schema.Struct({
  nodes: Schema.Array(Schema.Struct({ id: Schema.Number, callFrame: CallFrame })),
  samples: Schema.Array(Schema.Number),
  timeDeltas: Schema.Array(Schema.Number),
  startTime: Schema.Number
})

const file = process.argv[2]
if (file === undefined) {
  console.error("usage: npx tsx bench/profileSummary.ts <file.cpuprofile> [top]")
  process.exit(2)
}
const top = Number(process.argv[3] ?? 25)
const from = Number(process.argv[4] ?? 0) * 1e6
const to = Number(process.argv[5] ?? Number.POSITIVE_INFINITY) * 1e6
const profile = Schema.decodeUnknownSync(Profile)(JSON.parse(readFileSync(file, "utf8")))

const packageOf = (url: string, name: string): string => {
  if (url === "") return name.startsWith("(") ? name : "(node internals)"
  const modules = url.lastIndexOf("node_modules/")
  if (modules >= 0) {
    const rest = url.slice(modules + "node_modules/".length).split("/")
    return rest[0]?.startsWith("@") === true ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url)
  }
  if (url.startsWith("node:internal/deps/undici")) return "undici (node's fetch)"
  if (url.startsWith("node:internal/modules") || url.includes("/tsx/")) return "(module loading, tsx)"
  if (url.startsWith("node:")) return "(node internals)"
  const ours = /\/(runtime|actors|apple|http|node|db|sim|bench)\//.exec(url)
  return ours === null ? url : `parley ${ours[1]}/`
}

const byId = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
const packages = new Map<string, number>()
const functions = new Map<string, number>()
let total = 0
let idle = 0
let at = 0
profile.samples.forEach((id, i) => {
  const frame = byId.get(id)
  const micros = profile.timeDeltas[i] ?? 0
  at += micros
  if (frame === undefined || at < from || at > to) return
  // Shares below are of the time the thread was busy.
  if (frame.functionName === "(idle)") {
    idle += micros
    return
  }
  total += micros
  const pkg = packageOf(frame.url, frame.functionName)
  packages.set(pkg, (packages.get(pkg) ?? 0) + micros)
  const short = frame.url.replace(/^.*\/(node_modules|wt\/[^/]+)\//, "")
  const key = `${frame.functionName || "(anonymous)"} ${short}:${frame.lineNumber + 1}`
  functions.set(key, (functions.get(key) ?? 0) + micros)
})

const print = (title: string, entries: Map<string, number>, n: number) => {
  console.log(title)
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, n))
    console.log(`  ${((micros / total) * 100).toFixed(1).padStart(5)} %  ${name}`)
}
console.log(`${(total / 1e6).toFixed(1)} s busy, ${(idle / 1e6).toFixed(1)} s idle; shares of the busy time`)
print("self time by package:", packages, 15)
print("self time by function:", functions, top)
