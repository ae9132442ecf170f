import { Schema } from "effect"

/**
 * What an MSP sends to Apple, as the simulator reads it. Written from Apple's documentation and
 * sample code (summarised in docs/apple.md), not from Parley's own Schemas in `apple/`: a wrong
 * assumption there must not be repeated here. Apple's gateway is assumed to ignore keys it does
 * not know (its samples send keys some pages do not list, e.g. `mspVersion`), so unknown keys are
 * dropped, never refused; where Apple's text is silent a field is optional and any plausible type
 * is accepted.
 */

/** `size` is a string in Apple's 2025 attachment sample and a number in its IDR sample. */
const Size = Schema.Union(Schema.Number, Schema.NumberFromString)

export const Bubble = Schema.Struct({
  title: Schema.optional(Schema.String),
  subtitle: Schema.optional(Schema.String),
  secondarySubtitle: Schema.optional(Schema.String),
  tertiarySubtitle: Schema.optional(Schema.String),
  imageTitle: Schema.optional(Schema.String),
  imageSubtitle: Schema.optional(Schema.String),
  alternateTitle: Schema.optional(Schema.String),
  style: Schema.optional(Schema.String),
  imageIdentifier: Schema.optional(Schema.String)
})
export type Bubble = typeof Bubble.Type

export const Image = Schema.Struct({ identifier: Schema.String, data: Schema.String })

const ListItem = Schema.Struct({
  identifier: Schema.String,
  title: Schema.String,
  subtitle: Schema.optional(Schema.String),
  order: Schema.optional(Schema.Number),
  style: Schema.optional(Schema.String),
  imageIdentifier: Schema.optional(Schema.String)
})

export const ListPicker = Schema.Struct({
  sections: Schema.Array(
    Schema.Struct({
      title: Schema.optional(Schema.String),
      order: Schema.optional(Schema.Number),
      multipleSelection: Schema.optional(Schema.Boolean),
      items: Schema.Array(ListItem)
    })
  )
})

/** Apple's time-picker sample sends `title: ""` and a slot in 2022, and documents a 200. */
export const Event = Schema.Struct({
  identifier: Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  timeslots: Schema.Array(
    Schema.Struct({ identifier: Schema.String, startTime: Schema.String, duration: Schema.Number })
  ),
  timezoneOffset: Schema.optional(Schema.Number),
  location: Schema.optional(
    Schema.Struct({
      latitude: Schema.Number,
      longitude: Schema.Number,
      radius: Schema.optional(Schema.Number),
      title: Schema.optional(Schema.String)
    })
  )
})

export const QuickReply = Schema.Struct({
  summaryText: Schema.optional(Schema.String),
  items: Schema.Array(Schema.Struct({ identifier: Schema.String, title: Schema.String }))
})

export const OAuth2 = Schema.Struct({
  responseType: Schema.optional(Schema.String),
  scope: Schema.optional(Schema.Array(Schema.String)),
  state: Schema.optional(Schema.String),
  responseEncryptionKey: Schema.optional(Schema.String),
  clientSecret: Schema.optional(Schema.String),
  redirectURI: Schema.optional(Schema.String)
})

const LineItem = Schema.Struct({
  label: Schema.String,
  amount: Schema.String,
  type: Schema.optional(Schema.String)
})

export const Payment = Schema.Struct({
  paymentRequest: Schema.Struct({
    lineItems: Schema.optional(Schema.Array(LineItem)),
    total: LineItem,
    applePay: Schema.optional(
      Schema.Struct({
        merchantIdentifier: Schema.String,
        supportedNetworks: Schema.optional(Schema.Array(Schema.String)),
        merchantCapabilities: Schema.optional(Schema.Array(Schema.String))
      })
    ),
    merchantName: Schema.optional(Schema.String),
    countryCode: Schema.optional(Schema.String),
    currencyCode: Schema.optional(Schema.String),
    requiredBillingContactFields: Schema.optional(Schema.Array(Schema.String)),
    requiredShippingContactFields: Schema.optional(Schema.Array(Schema.String)),
    shippingMethods: Schema.optional(
      Schema.Array(
        Schema.Struct({
          label: Schema.String,
          detail: Schema.optional(Schema.String),
          amount: Schema.String,
          identifier: Schema.String
        })
      )
    )
  }),
  merchantSession: Schema.optional(Schema.Unknown),
  endpoints: Schema.Struct({
    paymentGatewayUrl: Schema.String,
    fallbackUrl: Schema.optional(Schema.String),
    orderTrackingUrl: Schema.optional(Schema.String),
    paymentMethodUpdateUrl: Schema.optional(Schema.String),
    shippingContactUpdateUrl: Schema.optional(Schema.String),
    shippingMethodUpdateUrl: Schema.optional(Schema.String)
  })
})
export type Payment = typeof Payment.Type

const PageItem = Schema.Struct({
  title: Schema.String,
  value: Schema.optional(Schema.String),
  identifier: Schema.optional(Schema.String),
  imageIdentifier: Schema.optional(Schema.String),
  nextPageIdentifier: Schema.optional(Schema.String)
})

export const Form = Schema.Struct({
  version: Schema.optional(Schema.String),
  template: Schema.optional(Schema.String),
  data: Schema.Struct({
    splash: Schema.optional(
      Schema.Struct({
        header: Schema.optional(Schema.String),
        text: Schema.optional(Schema.String),
        buttonTitle: Schema.optional(Schema.String),
        imageIdentifier: Schema.optional(Schema.String)
      })
    ),
    startPageIdentifier: Schema.String,
    showSummary: Schema.optional(Schema.Boolean),
    pages: Schema.Array(
      Schema.Struct({
        pageIdentifier: Schema.String,
        type: Schema.String,
        title: Schema.String,
        subtitle: Schema.optional(Schema.String),
        nextPageIdentifier: Schema.optional(Schema.String),
        submitForm: Schema.optional(Schema.Boolean),
        multipleSelection: Schema.optional(Schema.Boolean),
        pageItems: Schema.optional(Schema.Array(PageItem)),
        /**
         * A page's input options (placeholder, required, inputType, keyboardType, dateFormat, …):
         * the device shows them, so they are kept whole rather than narrowed to the keys we know.
         */
        options: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
      })
    )
  })
})

export const FEATURES = ["listPicker", "event", "quick-reply", "authenticate", "payment", "dynamic"] as const
export type Feature = (typeof FEATURES)[number]

export const InteractiveData = Schema.Struct({
  bid: Schema.String,
  data: Schema.optional(
    Schema.Struct({
      version: Schema.optional(Schema.String),
      mspVersion: Schema.optional(Schema.String),
      requestIdentifier: Schema.optional(Schema.String),
      images: Schema.optional(Schema.Array(Image)),
      listPicker: Schema.optional(ListPicker),
      event: Schema.optional(Event),
      "quick-reply": Schema.optional(QuickReply),
      authenticate: Schema.optional(Schema.Struct({ oauth2: OAuth2 })),
      payment: Schema.optional(Payment),
      dynamic: Schema.optional(Form)
    })
  ),
  receivedMessage: Schema.optional(Bubble),
  replyMessage: Schema.optional(Bubble),
  sessionIdentifier: Schema.optional(Schema.String),
  useLiveLayout: Schema.optional(Schema.Boolean),
  appId: Schema.optional(Schema.Union(Schema.Number, Schema.String)),
  appName: Schema.optional(Schema.String),
  appIcon: Schema.optional(Schema.String),
  URL: Schema.optional(Schema.String)
})
export type InteractiveData = typeof InteractiveData.Type

/** A reference to interactive data kept at Apple: Apple's own `dataRef` answer has no `key`. */
export const DataRef = Schema.Struct({
  bid: Schema.String,
  url: Schema.String,
  owner: Schema.String,
  key: Schema.optional(Schema.String),
  size: Size,
  signature: Schema.optional(Schema.String),
  "signature-base64": Schema.optional(Schema.String),
  title: Schema.optional(Schema.String),
  dataRefSig: Schema.optional(Schema.String)
})
export type DataRef = typeof DataRef.Type

/** Both spellings Apple has documented: 2025 (`mimeType`, `url`, `key`…) and legacy (`mime-type`, `mmcs-url`…). */
export const Attachment = Schema.Struct({
  name: Schema.optional(Schema.String),
  mimeType: Schema.optional(Schema.String),
  "mime-type": Schema.optional(Schema.String),
  size: Schema.optional(Size),
  "file-size": Schema.optional(Size),
  "signature-base64": Schema.optional(Schema.String),
  url: Schema.optional(Schema.String),
  "mmcs-url": Schema.optional(Schema.String),
  owner: Schema.optional(Schema.String),
  "mmcs-owner": Schema.optional(Schema.String),
  key: Schema.optional(Schema.String),
  "decryption-key": Schema.optional(Schema.String)
})
export type Attachment = typeof Attachment.Type

export const RichLink = Schema.Struct({
  url: Schema.String,
  title: Schema.optional(Schema.String),
  assets: Schema.optional(
    Schema.Struct({
      image: Schema.optional(Schema.Struct({ data: Schema.String, mimeType: Schema.optional(Schema.String) })),
      video: Schema.optional(Schema.Struct({ url: Schema.String, mimeType: Schema.optional(Schema.String) }))
    })
  )
})

const envelope = {
  v: Schema.Literal(1),
  id: Schema.String,
  sourceId: Schema.String,
  destinationId: Schema.String,
  locale: Schema.optional(Schema.String)
}

export const Message = Schema.Union(
  Schema.Struct({
    ...envelope,
    type: Schema.Literal("text"),
    body: Schema.String,
    attachments: Schema.optional(Schema.Array(Attachment))
  }),
  Schema.Struct({ ...envelope, type: Schema.Literal("typing_start", "typing_end") }),
  Schema.Struct({ ...envelope, type: Schema.Literal("richLink"), richLinkData: RichLink }),
  Schema.Struct({
    ...envelope,
    type: Schema.Literal("interactive"),
    interactiveData: Schema.optional(InteractiveData),
    interactiveDataRef: Schema.optional(DataRef),
    /** Apple's custom-extension sample sends an empty list. */
    attachments: Schema.optional(Schema.Array(Attachment))
  })
)
export type Message = typeof Message.Type

/** Interactive JSON over this many bytes travels by reference from the device (and Apple offers one back). */
export const IDR_THRESHOLD = 10 * 1024

export const jsonSize = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8")

/** Apple's built-in extension: pickers, forms, quick replies, authentication and Apple Pay. */
export const APPLE_BID =
  "com.apple.messages.MSMessageExtensionBalloonPlugin:0000000000:com.apple.icloud.apps.messages.business.extension"

/** An attachment may be up to 100 MB each way. */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
