import type { CustomerTier } from "../schema/customers.ts"

/**
 * Demo customers. All names, addresses and numbers are fictitious (555 phone numbers, example.com
 * e-mail). Opaque ids follow Apple's `urn:mbid:` shape so the simulator can speak as these customers.
 */

/** The demo Apple business (the simulator's `destination-id`); `APPLE_BUSINESS_ID` overrides it. */
export const demoBusinessId = "9c231233-d943-482a-b913-7c625ba19988"

export interface DemoCard {
  readonly type: "credit" | "debit"
  readonly productName: string
  readonly maskedNumber: string
}

export interface DemoCustomer {
  /** Contacts belong to an account (business customers); consumers stand alone. */
  readonly account?: { readonly name: string; readonly tier: CustomerTier }
  readonly tier?: CustomerTier
  readonly firstName: string
  readonly lastName: string
  readonly email: string
  readonly phone: string
  readonly address: string
  /** Linked Apple identity; absent means the customer must authenticate (by e-mail) first. */
  readonly opaqueId?: string
  readonly cards: ReadonlyArray<DemoCard>
}

export const demoCustomers: ReadonlyArray<DemoCustomer> = [
  {
    account: { name: "Northwind Traders", tier: "gold" },
    firstName: "Jane",
    lastName: "Doe",
    email: "jane.doe@example.com",
    phone: "+1 415 555 0142",
    address: "500 Market Street, Apt 12\nSan Francisco, CA 94105\nUnited States",
    opaqueId: "urn:mbid:AQAAY-demo-jane",
    cards: [
      { type: "credit", productName: "Parley Rewards Visa Signature", maskedNumber: "•••• 4821" },
      { type: "credit", productName: "Parley Cash Back Mastercard", maskedNumber: "•••• 7730" },
      { type: "debit", productName: "Parley Everyday Debit", maskedNumber: "•••• 1094" }
    ]
  },
  {
    tier: "platinum",
    firstName: "Raj",
    lastName: "Patel",
    email: "raj.patel@example.com",
    phone: "+1 212 555 0187",
    address: "88 Hudson Street, Floor 3\nNew York, NY 10013\nUnited States",
    opaqueId: "urn:mbid:AQAAY-demo-raj",
    cards: [
      { type: "credit", productName: "Parley Travel Infinite Visa", maskedNumber: "•••• 3317" },
      { type: "debit", productName: "Parley Everyday Debit", maskedNumber: "•••• 5560" }
    ]
  },
  {
    tier: "standard",
    firstName: "Maria",
    lastName: "Garcia",
    email: "maria.garcia@example.com",
    phone: "+1 512 555 0133",
    address: "1200 Barton Springs Road\nAustin, TX 78704\nUnited States",
    opaqueId: "urn:mbid:AQAAY-demo-maria",
    cards: [{ type: "debit", productName: "Parley Student Debit", maskedNumber: "•••• 2208" }]
  },
  {
    // No Apple identity on purpose: the bot asks Tom to authenticate, and his e-mail finds him.
    account: { name: "Contoso Ltd", tier: "standard" },
    firstName: "Tom",
    lastName: "Becker",
    email: "tom.becker@example.com",
    phone: "+1 206 555 0119",
    address: "401 Pike Street\nSeattle, WA 98101\nUnited States",
    cards: [{ type: "credit", productName: "Parley Business Platinum Card", maskedNumber: "•••• 6402" }]
  }
]
