import { useCallback, useEffect, useState } from "react"
import type { Principal } from "../../http/auth/Principal.ts"
import { api } from "./api.ts"

/** A signed-in user of a page, kept in `sessionStorage` (one browser tab, gone when it closes). */
export interface Session {
  readonly token: string
  readonly expiresAt: string
  readonly user: Principal
}

const key = (page: string) => `parley.session.${page}`

const load = (page: string): Session | undefined => {
  try {
    const raw = sessionStorage.getItem(key(page))
    if (raw === null) return undefined
    const session = JSON.parse(raw) as Session
    return Date.parse(session.expiresAt) > Date.now() ? session : undefined
  } catch {
    return undefined
  }
}

const save = (page: string, session: Session | undefined) => {
  if (session === undefined) sessionStorage.removeItem(key(page))
  else sessionStorage.setItem(key(page), JSON.stringify(session))
}

export const signIn = (login: string, password: string): Promise<Session> =>
  api<Session>("/login", { method: "POST", body: { login, password } })

/** Refresh once this much of the token's life is gone (it is short-lived). */
const refreshAt = 0.6

/**
 * The page's session: restored from `sessionStorage`, refreshed before it expires, cleared on
 * sign-out or when the server no longer accepts it.
 */
export const useSession = (page: string) => {
  const [session, setSession] = useState<Session | undefined>(() => load(page))
  const update = useCallback(
    (next: Session | undefined) => {
      save(page, next)
      setSession(next)
    },
    [page]
  )
  useEffect(() => {
    if (session === undefined) return
    const life = Date.parse(session.expiresAt) - Date.now()
    const timer = setTimeout(
      () => {
        api<{ token: string; expiresAt: string }>("/session/refresh", { method: "POST", token: session.token }).then(
          (fresh) => update({ ...session, ...fresh }),
          (e: { code?: string }) => {
            if (e.code === "unauthenticated") update(undefined)
          }
        )
      },
      Math.max(1_000, life * refreshAt)
    )
    return () => clearTimeout(timer)
  }, [session, update])
  return { session, setSession: update, signOut: () => update(undefined) }
}
