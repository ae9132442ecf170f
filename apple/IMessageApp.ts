import { Schema } from "effect"
import type { Bubble } from "./InteractiveCommon.ts"

/** A custom iMessage app (iPhone/iPad only); Apple ignores `data` for these, the app reads `URL`. */
export interface IMessageAppOptions {
  readonly teamId: string
  readonly extensionBundleId: string
  readonly appId: number
  readonly appName: string
  /** Shown when the app is not installed. */
  readonly appIcon?: Uint8Array
  /** Query string handed to the extension, at most 64 KB. */
  readonly url: string
  readonly receivedMessage: Bubble
  readonly replyMessage?: Bubble
  readonly sessionIdentifier?: string
  readonly useLiveLayout?: boolean
}

export interface IMessageApp {
  readonly bid: string
  readonly appId: number
  readonly appName: string
  readonly appIcon?: string
  readonly URL: string
  readonly receivedMessage: Bubble
  readonly replyMessage?: Bubble
  readonly sessionIdentifier?: string
  readonly useLiveLayout: boolean
}

export const make = (options: IMessageAppOptions): IMessageApp => {
  if (Buffer.byteLength(options.url) > 64 * 1024) throw new Error("IMessageApp.make: URL over 64 KB")
  return {
    bid: `com.apple.messages.MSMessageExtensionBalloonPlugin:${options.teamId}:${options.extensionBundleId}`,
    appId: options.appId,
    appName: options.appName,
    ...(options.appIcon !== undefined ? { appIcon: Buffer.from(options.appIcon).toString("base64") } : {}),
    URL: options.url,
    receivedMessage: options.receivedMessage,
    ...(options.replyMessage !== undefined ? { replyMessage: options.replyMessage } : {}),
    ...(options.sessionIdentifier !== undefined ? { sessionIdentifier: options.sessionIdentifier } : {}),
    useLiveLayout: options.useLiveLayout ?? true
  }
}

/**
 * A deployment's custom iMessage app, as configured (`APPLE_IMESSAGE_APPS`, JSON keyed by the name
 * topics use): everything `make` needs but the per-message URL and bubbles.
 */
export const AppSettings = Schema.Struct({
  teamId: Schema.NonEmptyString,
  extensionBundleId: Schema.NonEmptyString,
  appId: Schema.Int.pipe(Schema.positive()),
  appName: Schema.NonEmptyString
})
export type AppSettings = typeof AppSettings.Type

export const AppsByName = Schema.Record({ key: Schema.String, value: AppSettings })
export type AppsByName = typeof AppsByName.Type
