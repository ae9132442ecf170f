import { existsSync, readdirSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "vite"

/**
 * Builds the browser pages (`web/` → `web/dist`) when any source is newer than the last build, so
 * `npm start` and `npm test` always serve the pages as they are in the tree, and a start without
 * changes costs nothing. `--force` builds anyway.
 */
const webDir = fileURLToPath(new URL("../web", import.meta.url))
const distDir = join(webDir, "dist")
const stamp = join(distDir, "index.html")
// The pages import the wire Schemas from the server's folders, so those count as sources too.
const sourceDirs = [
  webDir,
  ...["http", "actors", "apple", "db"].map((d) => fileURLToPath(new URL(`../${d}`, import.meta.url)))
]

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    if (entry.name === "dist" || entry.name === "node_modules") return latest
    const path = join(dir, entry.name)
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs)
  }, 0)

export const buildWeb = async (force = false): Promise<"built" | "fresh"> => {
  const stale = force || !existsSync(stamp) || Math.max(...sourceDirs.map(newest)) > statSync(stamp).mtimeMs
  if (!stale) return "fresh"
  await build({ configFile: join(webDir, "vite.config.ts"), logLevel: "warn" })
  return "built"
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = Date.now()
  const result = await buildWeb(process.argv.includes("--force"))
  console.log(result === "built" ? `web: pages built in ${Date.now() - started} ms` : "web: pages up to date")
}
