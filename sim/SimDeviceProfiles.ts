import type { WireDevice, WireDeviceProfile } from "./SimControlWire.ts"

/**
 * The devices a simulated customer can use and what each tells the MSP (`device-agent`,
 * `capability-list`). Apple documents the agents `iPhone OS` and `Mac OS X` only, so an iPad says
 * `iPhone OS` too; forms and iMessage apps exist on iPhone and iPad only (apple-msp notes §3.2).
 */
export const profiles: ReadonlyArray<WireDeviceProfile> = [
  {
    device: "iphone",
    name: "iPhone",
    deviceAgent: "iPhone OS",
    capabilities: ["QUICK", "LIST", "TIME", "AUTH2", "FORM"],
    cannot: []
  },
  {
    device: "ipad",
    name: "iPad",
    deviceAgent: "iPhone OS",
    capabilities: ["QUICK", "LIST", "TIME", "AUTH2", "FORM"],
    cannot: []
  },
  {
    device: "mac",
    name: "Mac",
    deviceAgent: "Mac OS X",
    capabilities: ["QUICK", "LIST", "TIME", "AUTH2"],
    cannot: ["FORM", "iMessage apps"]
  }
]

export const profileOf = (device: WireDevice): WireDeviceProfile =>
  profiles.find((p) => p.device === device) ?? (profiles[0] as WireDeviceProfile)

/** Which of the profiles a device agent is (an iPad cannot be told from an iPhone by its agent). */
export const deviceOf = (deviceAgent: string, remembered?: WireDevice): WireDevice =>
  /mac/i.test(deviceAgent) ? "mac" : remembered === "ipad" ? "ipad" : "iphone"
