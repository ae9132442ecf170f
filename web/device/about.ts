/** What `GET /api/about` tells the pages (http/api/About.ts). */
export interface About {
  readonly demo: boolean
  readonly simulatorUrl?: string
  readonly demoPassword?: string
  readonly identities?: ReadonlyArray<{
    readonly name: string
    readonly login?: string
    readonly role: string
    readonly opaqueId?: string
  }>
}

export const loadAbout = (): Promise<About> =>
  fetch("/api/about").then((r) => {
    if (!r.ok) throw new Error(`Parley answered ${r.status}`)
    return r.json() as Promise<About>
  })
