/** The Agent Workspace: sign-in, presence, offers, one tab per conversation. */
export const App = () => (
  <main>
    <h1>Agent Workspace</h1>
  </main>
)
