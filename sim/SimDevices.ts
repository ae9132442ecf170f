/**
 * The devices a simulated customer can use, with what each can show. Apple states that Forms and
 * iMessage apps render on iPhone and iPad only, and that Apple Pay and rich links work everywhere;
 * the rest of each list is this simulator's assumption (docs/apple.md, "Devices"): a Mac has
 * everything but Forms and iMessage apps, a Watch only quick replies, list and time pickers and no
 * files.
 */
export interface DeviceProfile {
  /** `device-agent` as Apple sends it. */
  readonly deviceAgent: string
  /** `capability-list`. */
  readonly capabilities: ReadonlyArray<string>
  /** iMessage apps (custom extensions) render here. */
  readonly iMessageApps: boolean
  /** Files sent as attachments can be opened here. */
  readonly attachments: boolean
}

export const devices = {
  iphone: {
    deviceAgent: "iPhone OS",
    capabilities: ["QUICK", "LIST", "TIME", "AUTH", "AUTH2", "FORM"],
    iMessageApps: true,
    attachments: true
  },
  ipad: {
    deviceAgent: "iPhone OS",
    capabilities: ["QUICK", "LIST", "TIME", "AUTH", "AUTH2", "FORM"],
    iMessageApps: true,
    attachments: true
  },
  mac: {
    deviceAgent: "Mac OS X",
    capabilities: ["QUICK", "LIST", "TIME", "AUTH", "AUTH2"],
    iMessageApps: false,
    attachments: true
  },
  watch: { deviceAgent: "Watch OS", capabilities: ["QUICK", "LIST", "TIME"], iMessageApps: false, attachments: false }
} as const satisfies Record<string, DeviceProfile>

export type Device = keyof typeof devices

/** A device given only by its `device-agent` (older tests and the control routes). */
export const profileOf = (deviceAgent: string): DeviceProfile =>
  /mac/i.test(deviceAgent) ? devices.mac : /watch/i.test(deviceAgent) ? devices.watch : devices.iphone
