import { SignIn } from "../shared/SignIn.tsx"
import { useSession } from "../shared/session.ts"
import { Console } from "./Console.tsx"

/** The manager console: interactions, queues, agents, feedback, dead letters, cluster. */
export const App = () => {
  const { session, setSession, signOut } = useSession("manager")
  if (session === undefined) return <SignIn title="Manager console" roles={["manager"]} onSignedIn={setSession} />
  return <Console session={session} onSignOut={signOut} />
}
