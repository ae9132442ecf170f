/** The demo customer's device: a Messages-like chat through the Apple simulator. */
export const App = () => (
  <main>
    <h1>Messages</h1>
  </main>
)
