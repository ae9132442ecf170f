import type { ReactNode } from "react"
import { StrictMode } from "react"
import { createRoot } from "react-dom/client"

/** Renders a page's root component into its `#root` element. */
export const mount = (node: ReactNode): void => {
  const element = document.getElementById("root")
  if (element === null) throw new Error("the page has no #root element")
  createRoot(element).render(<StrictMode>{node}</StrictMode>)
}
