import { useEffect, useState } from "react"

interface About {
  readonly demo: boolean
}

/** `/`: what Parley is and where to go from here. */
export const FrontPage = () => {
  const [about, setAbout] = useState<About | undefined>(undefined)
  useEffect(() => {
    fetch("/api/about")
      .then((response) => response.json() as Promise<About>)
      .then(setAbout, () => setAbout(undefined))
  }, [])
  return (
    <main>
      <h1>Parley</h1>
      <p>Customer service over Apple Messages for Business: a virtual agent first, live agents next.</p>
      <ul>
        <li>
          <a href="/workspace">Agent Workspace</a>
        </li>
        <li>
          <a href="/manager">Manager console</a>
        </li>
        {about?.demo === true ? (
          <li>
            <a href="/device">Customer device (demo)</a>
          </li>
        ) : null}
      </ul>
    </main>
  )
}
