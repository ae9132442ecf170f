import type { Context } from "hono"
import { secureHeaders } from "hono/secure-headers"

/** A `Host` header as browsers send it (name or address, optional port); anything else is left out of the policy. */
const plainHost = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/

/**
 * The agent socket's origins for the page being served. `web/shared/socket.ts` opens
 * `ws(s)://<the page's host>/ws`; CSP Level 3 browsers let `'self'` cover that, older ones (Safari
 * before 15.4) need the ws/wss origin named. A `Host` that is not a plain host[:port] adds nothing,
 * so a crafted header cannot add directives to the answer it gets.
 */
const socketOrigins = (c: Context): string => {
  const host = c.req.header("host")
  return host !== undefined && plainHost.test(host) ? `ws://${host} wss://${host}` : "'self'"
}

/**
 * Security headers for every HTML page: the server-rendered ones (knowledge, community, the
 * sign-in redirect, in `http/pages/Pages.ts`) and the Vite-built React pages (`http/pages/WebPages.ts`).
 * Vite emits only external module scripts and stylesheets (`web/dist/*.html`), and React sets `style`
 * props through the DOM, so neither scripts nor styles need `'unsafe-inline'`. Pictures are the
 * node's own, `data:` (the device's rich links and app icons arrive base64-encoded) and `blob:`
 * (files picked in the browser). No page may be framed (clickjacking), none sends a referrer.
 */
export const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    connectSrc: ["'self'", socketOrigins],
    imgSrc: ["'self'", "data:", "blob:"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"]
  },
  xFrameOptions: "DENY",
  referrerPolicy: "no-referrer"
})
