import { existsSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { fileURLToPath } from "node:url"
import { serveStatic } from "@hono/node-server/serve-static"
import { Hono } from "hono"
import { pageHeaders } from "./PageHeaders.ts"

/** Where `scripts/buildWeb.ts` (run by `npm start` and the tests' global set-up) puts the built pages. */
export const distDir = fileURLToPath(new URL("../../web/dist", import.meta.url))

/** Each page and the HTML file that starts it; a page's deeper paths (`/workspace/…`) load the same file. */
const pages: ReadonlyArray<readonly [string, string]> = [
  ["/workspace", "workspace/index.html"],
  ["/manager", "manager/index.html"],
  ["/device", "device/index.html"]
]

/**
 * The browser pages built from `web/` (React + Vite): the front page at `/`, the Agent Workspace,
 * the manager console and the demo device. Hashed assets are cached for good; the HTML never is,
 * so a new build shows at the next load. Every page carries the security headers (`pageHeaders`).
 */
export const routes = (root: string = distDir): Hono => {
  const app = new Hono()
  if (!existsSync(root)) return app
  const html = (file: string) => async () =>
    new Response(await readFile(`${root}/${file}`), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" }
    })
  app.get("/", pageHeaders, html("index.html"))
  for (const [path, file] of pages) {
    app.get(path, pageHeaders, html(file))
    app.get(`${path}/*`, pageHeaders, html(file))
  }
  app.use(
    "/assets/*",
    serveStatic({
      root,
      onFound: (_path, c) => {
        c.header("cache-control", "public, max-age=31536000, immutable")
      }
    })
  )
  return app
}
