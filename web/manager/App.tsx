/** The manager console: interactions, queues, agents, feedback, dead letters, cluster. */
export const App = () => (
  <main>
    <h1>Manager console</h1>
  </main>
)
