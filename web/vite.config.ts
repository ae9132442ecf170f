import { fileURLToPath } from "node:url"
import react from "@vitejs/plugin-react"
import { defineConfig } from "vite"

const page = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/**
 * The browser pages, one entry per page: the front page (`/`), the Agent Workspace (`/workspace`),
 * the manager console (`/manager`) and the demo customer device (`/device`). Built into `web/dist`,
 * which the Hono edge serves (`http/pages/WebPages.ts`); `scripts/buildWeb.ts` builds it when stale.
 */
export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  plugins: [react()],
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    rollupOptions: {
      input: {
        front: page("./index.html"),
        workspace: page("./workspace/index.html"),
        manager: page("./manager/index.html"),
        device: page("./device/index.html")
      }
    }
  }
})
