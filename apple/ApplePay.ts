import { Schema } from "effect"
import { type BubbleOptions, type BuiltInteractive, interactive } from "./InteractiveCommon.ts"

/** Apple Pay works on every device, so no capability gates it. */
export const Amount = Schema.String.pipe(Schema.pattern(/^-?\d+(\.\d{1,2})?$/, { message: () => "amount like 10.00" }))

export const LineItem = Schema.Struct({
  label: Schema.NonEmptyString,
  amount: Amount,
  type: Schema.optional(Schema.Literal("final", "pending"))
})

export const PaymentRequest = Schema.Struct({
  lineItems: Schema.optional(Schema.Array(LineItem)),
  total: LineItem,
  applePay: Schema.Struct({
    merchantIdentifier: Schema.NonEmptyString,
    supportedNetworks: Schema.Array(Schema.String).pipe(Schema.minItems(1)),
    merchantCapabilities: Schema.Array(Schema.String).pipe(Schema.minItems(1))
  }),
  merchantName: Schema.optional(Schema.String),
  countryCode: Schema.String.pipe(Schema.length(2)),
  currencyCode: Schema.String.pipe(Schema.length(3)),
  supportedCountries: Schema.optional(Schema.Array(Schema.String)),
  requiredBillingContactFields: Schema.optional(Schema.Array(Schema.String)),
  requiredShippingContactFields: Schema.optional(Schema.Array(Schema.String)),
  shippingMethods: Schema.optional(
    Schema.Array(
      Schema.Struct({ label: Schema.String, detail: Schema.String, amount: Amount, identifier: Schema.String })
    )
  )
})

const HttpsUrl = Schema.String.pipe(Schema.pattern(/^https:\/\/\S+$/, { message: () => "must be an https URL" }))

export const Payment = Schema.Struct({
  paymentRequest: PaymentRequest,
  /** Opaque session from Apple Pay's paymentSession call, one per transaction. */
  merchantSession: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  endpoints: Schema.Struct({
    paymentGatewayUrl: HttpsUrl,
    fallbackUrl: Schema.optional(HttpsUrl),
    orderTrackingUrl: Schema.optional(HttpsUrl),
    paymentMethodUpdateUrl: Schema.optional(HttpsUrl),
    shippingContactUpdateUrl: Schema.optional(HttpsUrl),
    shippingMethodUpdateUrl: Schema.optional(HttpsUrl)
  })
})
export type Payment = typeof Payment.Type

export interface ApplePayOptions extends BubbleOptions {
  readonly title: string
  readonly payment: Payment
}

export const make = (options: ApplePayOptions): BuiltInteractive<"payment", Payment> =>
  interactive("payment", options.payment, {
    ...options,
    receivedMessage: options.receivedMessage ?? { title: options.title, style: "icon" },
    replyMessage: options.replyMessage ?? { title: "Payment", style: "icon" }
  })
