import "../shared/theme.css"
import "./workspace.css"
import { mount } from "../shared/mount.tsx"
import { App } from "./App.tsx"

mount(<App />)
