/**
 * What the simulator's control routes (`sim/SimControl.ts`) answer, as plain types: the demo device
 * page (`web/device/`) and the terminal chat (`scripts/customer.ts`) read them. The message parts are
 * Apple's own shapes as the business sent them (`apple-msp` notes: receivedMessage, listPicker, event,
 * quick-reply, dynamic, authenticate, payment, iMessage app); this file imports nothing so the
 * browser build can use it.
 */

export interface WireBubble {
  readonly title?: string
  readonly subtitle?: string
  readonly style?: string
  readonly imageIdentifier?: string
  readonly secondarySubtitle?: string
  readonly tertiarySubtitle?: string
  readonly imageTitle?: string
  readonly imageSubtitle?: string
}

export interface WireImage {
  readonly identifier: string
  /** Base64. */
  readonly data: string
}

export interface WireListItem {
  readonly identifier: string
  readonly title: string
  readonly subtitle?: string
  readonly imageIdentifier?: string
}

export interface WireListSection {
  readonly title?: string
  readonly multipleSelection?: boolean
  readonly items: ReadonlyArray<WireListItem>
}

export interface WireTimeslot {
  readonly identifier: string
  /** Apple's format: `2030-07-10T17:00+0000`. */
  readonly startTime: string
  /** Seconds. */
  readonly duration: number
}

export interface WireEvent {
  readonly title: string
  readonly timeslots: ReadonlyArray<WireTimeslot>
  /** Minutes from GMT; present = everyone sees the event's zone. */
  readonly timezoneOffset?: number
  readonly location?: { readonly latitude: number; readonly longitude: number; readonly title?: string }
}

export interface WireQuickReply {
  readonly summaryText: string
  readonly items: ReadonlyArray<{ readonly identifier: string; readonly title: string }>
}

export interface WirePageItem {
  readonly title: string
  readonly value?: string
  readonly identifier?: string
  readonly imageIdentifier?: string
  readonly nextPageIdentifier?: string
}

export interface WireFormPage {
  readonly pageIdentifier: string
  readonly type: "select" | "picker" | "datePicker" | "input"
  readonly title: string
  readonly subtitle?: string
  readonly nextPageIdentifier?: string
  readonly submitForm?: boolean
  readonly multipleSelection?: boolean
  readonly pickerTitle?: string
  readonly selectedItemIndex?: number
  readonly hintText?: string
  readonly pageItems?: ReadonlyArray<WirePageItem>
  readonly options?: {
    readonly regex?: string
    readonly placeholder?: string
    readonly required?: boolean
    readonly inputType?: "singleline" | "multiline"
    readonly labelText?: string
    readonly prefixText?: string
    readonly maximumCharacterCount?: number
    readonly keyboardType?: string
    readonly textContentType?: string
    readonly dateFormat?: string
    readonly startDate?: string
    readonly maximumDate?: string
    readonly minimumDate?: string
  }
}

export interface WireForm {
  readonly data: {
    readonly splash?: {
      readonly header?: string
      readonly splashtext?: string
      readonly buttonTitle?: string
      readonly imageIdentifier?: string
    }
    readonly startPageIdentifier: string
    readonly showSummary?: boolean
    readonly pages: ReadonlyArray<WireFormPage>
  }
}

export interface WireAmount {
  readonly label: string
  readonly amount: string
  readonly type?: string
}

export interface WirePayment {
  readonly paymentRequest: {
    readonly lineItems?: ReadonlyArray<WireAmount>
    readonly total: WireAmount
    readonly merchantName?: string
    readonly currencyCode: string
    readonly applePay?: { readonly supportedNetworks?: ReadonlyArray<string> }
  }
}

export interface WireInteractive {
  readonly bid: string
  readonly data?: {
    readonly requestIdentifier?: string
    readonly images?: ReadonlyArray<WireImage>
    readonly listPicker?: { readonly sections: ReadonlyArray<WireListSection> }
    readonly event?: WireEvent
    readonly "quick-reply"?: WireQuickReply
    readonly dynamic?: WireForm
    readonly authenticate?: { readonly oauth2: { readonly scope?: ReadonlyArray<string> } }
    readonly payment?: WirePayment
  }
  readonly receivedMessage?: WireBubble
  readonly replyMessage?: WireBubble
  readonly appId?: number | string
  readonly appName?: string
  /** Base64 icon, shown when the app is not installed. */
  readonly appIcon?: string
  readonly URL?: string
}

export interface WireRichLink {
  readonly url: string
  readonly title: string
  readonly assets?: {
    readonly image?: { readonly data: string; readonly mimeType: string }
    readonly video?: { readonly url: string; readonly mimeType: string }
  }
}

export interface WireAttachment {
  readonly name: string
  readonly mimeType: string
  /** Bytes of the file (encrypted size; AES-CTR keeps the length). */
  readonly size: number
  /** Control-route path that answers the decrypted file, relative to the control root (`customers/…`). */
  readonly path: string
}

/** What the device shows a message as; every business message has one. */
export type WireKind =
  | "text"
  | "richLink"
  | "listPicker"
  | "timePicker"
  | "quickReply"
  | "form"
  | "authenticate"
  | "payment"
  | "iMessageApp"
  | "typingStart"
  | "typingEnd"

/** One message the business sent this customer, with everything in it. */
export interface WireReceived {
  readonly direction: "in"
  readonly seq: number
  readonly at: string
  readonly id: string
  /** Apple's `type` (`text`, `richLink`, `interactive`, `typing_start`, `typing_end`). */
  readonly type: string
  readonly kind: WireKind
  readonly body?: string
  /** The received bubble's title (interactive messages). */
  readonly title?: string
  readonly richLinkData?: WireRichLink
  readonly interactive?: WireInteractive
  readonly attachments?: ReadonlyArray<WireAttachment>
  /** `auto-reply: true`: a bot sent it. */
  readonly autoReply?: boolean
  readonly mspAgent?: string
}

/** One thing the customer did: wrote, answered an interactive message, sent a file, left. */
export interface WireSent {
  readonly direction: "out"
  readonly seq: number
  readonly at: string
  readonly id: string
  readonly type: "text" | "interactive" | "close"
  readonly body?: string
  /** The business message this answers (its `id`). */
  readonly replyTo?: string
  /** The reply bubble's title ("Parley Rewards Visa Signature", "Thank you!"). */
  readonly summary?: string
  readonly attachments?: ReadonlyArray<{ readonly name: string; readonly mimeType: string; readonly size: number }>
  /** The MSP answered 2xx; otherwise the device shows "Not Delivered". */
  readonly delivered: boolean
  readonly status: number
}

export type WireEntry = WireReceived | WireSent

export type WireDevice = "iphone" | "ipad" | "mac"

export interface WireCustomer {
  readonly id: string
  readonly device: WireDevice
  readonly deviceAgent: string
  readonly capabilities: ReadonlyArray<string>
  readonly email: string
  readonly closed: boolean
}

export interface WireViolation {
  readonly at: string
  readonly path: string
  readonly rule: string
  readonly detail: string
  readonly status: number
  readonly messageId?: string
}

/** `GET /sim/customers/:id/thread?after=<seq>`: the conversation since `after`, and the simulator's verdicts. */
export interface WireThread {
  readonly customer: WireCustomer
  readonly entries: ReadonlyArray<WireEntry>
  /** Every violation the simulator recorded (the MSP did what Apple would refuse). */
  readonly violations: ReadonlyArray<WireViolation>
}

/** `GET /sim/devices`: the devices a guest can use and the capability lists they send. */
export interface WireDeviceProfile {
  readonly device: WireDevice
  readonly name: string
  readonly deviceAgent: string
  readonly capabilities: ReadonlyArray<string>
  /** Things this device cannot show at all, whatever its list says. */
  readonly cannot: ReadonlyArray<string>
}

/** `POST /sim/customers/:id/messages/:messageId/reply`: how the customer answers an interactive message. */
export type WireReply =
  | { readonly kind: "listPicker"; readonly identifiers: ReadonlyArray<string> }
  | { readonly kind: "timePicker"; readonly slot: string }
  | { readonly kind: "quickReply"; readonly identifier: string }
  | { readonly kind: "form"; readonly answers: Readonly<Record<string, string | ReadonlyArray<string>>> }
  | { readonly kind: "authenticate"; readonly succeed: boolean }
  | { readonly kind: "payment"; readonly succeed: boolean }
  | {
      readonly kind: "iMessageApp"
      readonly query: Readonly<Record<string, string>>
      readonly summary: string
    }

/** Every control route's error body. */
export interface WireError {
  readonly error: string
  readonly status?: number
}
