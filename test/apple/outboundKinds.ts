import { randomBytes } from "node:crypto"
import * as ApplePay from "../../apple/ApplePay.ts"
import * as Authentication from "../../apple/Authentication.ts"
import * as Form from "../../apple/Form.ts"
import * as IMessageApp from "../../apple/IMessageApp.ts"
import * as ListPicker from "../../apple/ListPicker.ts"
import { interactive, text, typingEnd, typingStart } from "../../apple/OutboundMessage.ts"
import * as QuickReply from "../../apple/QuickReply.ts"
import * as RichLink from "../../apple/RichLink.ts"
import * as TimePicker from "../../apple/TimePicker.ts"

const tomorrow = new Date(Date.now() + 86_400_000)

/** One message of every kind a business sends, built with `apple/`'s builders. */
export const outboundKinds = {
  text: text("Your card is on its way."),
  typingStart,
  typingEnd,
  richLink: RichLink.make({
    url: "https://example.com/refinance",
    title: "Refinance options",
    image: { data: randomBytes(1000), mimeType: "image/png" }
  }),
  listPicker: interactive(
    ListPicker.make({
      title: "Which card?",
      images: [{ identifier: "visa", data: randomBytes(300) }],
      sections: [
        {
          title: "Cards",
          multipleSelection: true,
          items: [
            { identifier: "c1", title: "Visa ••1234", imageIdentifier: "visa" },
            { identifier: "c2", title: "Amex ••9876" }
          ]
        }
      ]
    })
  ),
  timePicker: interactive(
    TimePicker.make({
      title: "Delivery slot",
      timezoneOffsetMinutes: -420,
      location: { latitude: 37.33, longitude: -122.03, radius: 100, title: "Home" },
      slots: [{ start: tomorrow, durationSeconds: 3600 }]
    })
  ),
  quickReply: interactive(
    QuickReply.make({
      summaryText: "How did we do?",
      items: [
        { identifier: "good", title: "Good" },
        { identifier: "bad", title: "Bad" }
      ]
    })
  ),
  form: interactive(
    Form.make({
      title: "Card replacement",
      pages: [
        {
          pageIdentifier: "reason",
          type: "select",
          title: "Why?",
          pageItems: [
            { title: "Lost", value: "lost" },
            { title: "Stolen", value: "stolen" }
          ]
        },
        { pageIdentifier: "phone", type: "input", title: "Phone", options: { keyboardType: "phonePad" } }
      ]
    })
  ),
  auth2: interactive(
    Authentication.make({ title: "Sign in", scope: ["email"], redirectURI: "https://msp.example/oauth/callback" })
  ),
  applePay: interactive(
    ApplePay.make({
      title: "Pay the fee",
      payment: {
        paymentRequest: {
          total: { label: "Fee", amount: "10.00", type: "final" },
          applePay: {
            merchantIdentifier: "merchant.example",
            supportedNetworks: ["visa"],
            merchantCapabilities: ["supports3DS"]
          },
          countryCode: "US",
          currencyCode: "USD"
        },
        endpoints: { paymentGatewayUrl: "https://pay.example/gateway" }
      }
    })
  ),
  iMessageApp: interactive(
    IMessageApp.make({
      teamId: "ABCDE12345",
      extensionBundleId: "com.example.delivery.ext",
      appId: 123456789,
      appName: "Delivery",
      url: "?slot=1",
      receivedMessage: { title: "Schedule delivery" }
    })
  )
}
