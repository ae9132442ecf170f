import { Context, Layer, type Option } from "effect"

/** What the pages may tell about a demo node: where the simulated device lives and the demo password. */
export interface DemoSite {
  /** The in-process Apple simulator's origin (its control routes and gateway). */
  readonly simulatorUrl: string
  /** The password every demo identity signs in with (`PARLEY_DEMO_PASSWORD`). */
  readonly password: string
  /** The simulator's control routes in process, behind the device page's `/device/api` (`http/pages/DeviceProxy.ts`). */
  readonly simulator?: (request: Request) => Promise<Response>
}

/**
 * What kind of deployment this node is, for the pages: outside demo mode `demo` is empty and no
 * page shows demo identities, passwords or the simulated device.
 */
export class Site extends Context.Tag("parley/http/Site")<Site, { readonly demo: Option.Option<DemoSite> }>() {}

export const layer = (demo: Option.Option<DemoSite>): Layer.Layer<Site> => Layer.succeed(Site, { demo })
