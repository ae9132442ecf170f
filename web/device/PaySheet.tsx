import type { WireReceived, WireReply } from "../../sim/SimControlWire.ts"
import { money } from "./format.ts"
import { Sheet } from "./Sheet.tsx"

/** The Apple Pay sheet, mocked: line items, total, the card, Pay; Cancel reports the payment failed. */
export const PaySheet = ({
  entry,
  onAnswer,
  onCancel
}: {
  readonly entry: WireReceived
  readonly onAnswer: (reply: WireReply) => void
  readonly onCancel: () => void
}) => {
  const request = entry.interactive?.data?.payment?.paymentRequest
  const currency = request?.currencyCode ?? "USD"
  return (
    <Sheet title="Apple Pay" onCancel={() => onAnswer({ kind: "payment", succeed: false })}>
      <div className="pay-sheet">
        <p className="pay-merchant">{request?.merchantName ?? entry.title ?? "Payment"}</p>
        <dl className="pay-lines">
          {(request?.lineItems ?? []).map((item) => (
            <div key={item.label}>
              <dt>{item.label}</dt>
              <dd>{money(item.amount, currency)}</dd>
            </div>
          ))}
          {request !== undefined ? (
            <div className="pay-total">
              <dt>Pay {request.total.label}</dt>
              <dd>{money(request.total.amount, currency)}</dd>
            </div>
          ) : null}
        </dl>
        <p className="pay-card">
          <span className="pay-card-art" aria-hidden="true" /> Apple Card •••• 1234
        </p>
        <button type="button" className="pay-button" onClick={() => onAnswer({ kind: "payment", succeed: true })}>
          Pay
        </button>
        <button type="button" className="link-button" onClick={onCancel}>
          Later
        </button>
      </div>
    </Sheet>
  )
}
