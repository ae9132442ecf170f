import { useCallback, useEffect, useReducer, useRef, useState } from "react"
import type { Session } from "../shared/session.ts"
import { AgentSocketClient, type Answer, type Cursor, type Link, type Outgoing } from "../shared/socket.ts"
import { type Action, initial, reduce, type State } from "./store.ts"

const storeKey = (userId: string) => `parley.workspace.${userId}`

interface Saved {
  readonly state: State
  readonly cursor: Cursor
}

const load = (userId: string): Saved | undefined => {
  try {
    const raw = sessionStorage.getItem(storeKey(userId))
    return raw === null ? undefined : (JSON.parse(raw) as Saved)
  } catch {
    return undefined
  }
}

/**
 * The socket and the state it folds into, for one signed-in agent. The state and the socket's
 * cursor are saved together, so a reload resumes from the last event the saved state holds.
 */
export const useWorkspace = (session: Session, onSignOut: () => void, active: string | undefined) => {
  const saved = useRef(load(session.user.userId))
  const [state, dispatch] = useReducer(reduce, saved.current?.state ?? initial)
  const [link, setLink] = useState<Link>({ state: "connecting" })
  const cursor = useRef<Cursor>(saved.current?.cursor ?? { seen: [] })
  const token = useRef(session.token)
  token.current = session.token
  const activeRef = useRef(active)
  activeRef.current = active
  const client = useRef<AgentSocketClient | undefined>(undefined)

  useEffect(() => {
    const socket = new AgentSocketClient(
      () => token.current,
      {
        onWelcome: (welcome) => dispatch({ type: "welcome", welcome }),
        onEvent: (event) => dispatch({ type: "event", event, active: activeRef.current }),
        onLink: setLink,
        onCursor: (next) => {
          cursor.current = next
        },
        onUnauthenticated: onSignOut
      },
      cursor.current
    )
    client.current = socket
    socket.start()
    return () => socket.stop()
  }, [onSignOut])

  useEffect(() => {
    sessionStorage.setItem(storeKey(session.user.userId), JSON.stringify({ state, cursor: cursor.current }))
  }, [state, session.user.userId])

  const command = useCallback(
    (c: Outgoing): Promise<Answer> =>
      client.current?.command(c) ?? Promise.resolve({ ok: false, code: "unavailable", reason: "Not connected." }),
    []
  )
  const act = useCallback((action: Action) => dispatch(action), [])
  return { state, link, command, act }
}
