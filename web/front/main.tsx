import { mount } from "../shared/mount.tsx"
import { FrontPage } from "./FrontPage.tsx"

mount(<FrontPage />)
