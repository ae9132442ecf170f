import { SignIn } from "../shared/SignIn.tsx"
import { useSession } from "../shared/session.ts"
import { Workspace } from "./Workspace.tsx"

/** The Agent Workspace: sign-in, then presence, offers and one tab per conversation. */
export const App = () => {
  const { session, setSession, signOut } = useSession("workspace")
  if (session === undefined)
    return <SignIn title="Agent Workspace" roles={["agent_workspace_user", "manager"]} onSignedIn={setSession} />
  return <Workspace key={session.user.userId} session={session} onSignOut={signOut} />
}
