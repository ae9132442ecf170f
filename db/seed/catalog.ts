import type { NewCatalogItem } from "../queries/catalog.ts"

export const demoCatalog: ReadonlyArray<NewCatalogItem> = [
  {
    slug: "replacement-card",
    name: "Replacement card",
    category: "Cards",
    description: "A new card with a new number for a lost, stolen or damaged one. Arrives in 3–5 business days.",
    price: 0,
    options: [
      { name: "reason", label: "Reason", choices: ["Lost", "Stolen", "Damaged"] },
      { name: "delivery", label: "Delivery", choices: ["Standard (3–5 business days)", "Express (1–2 business days)"] }
    ]
  },
  {
    slug: "express-card-delivery",
    name: "Express card delivery",
    category: "Cards",
    description: "Tracked courier delivery of a new or replacement card in 1–2 business days.",
    price: 25
  },
  {
    slug: "travel-notice",
    name: "Travel notice",
    category: "Cards",
    description: "Tell us where and when you travel so card payments abroad are not declined.",
    price: 0,
    options: [
      {
        name: "region",
        label: "Destination",
        choices: ["Canada & Mexico", "Europe", "Asia", "Latin America", "Africa", "Oceania"]
      }
    ]
  },
  {
    slug: "credit-limit-increase",
    name: "Credit limit increase",
    category: "Cards",
    description: "Ask for a higher limit on a credit card. We answer within two business days.",
    price: 0,
    options: [{ name: "amount", label: "Increase by", choices: ["$1,000", "$2,500", "$5,000", "Other"] }]
  },
  {
    slug: "metal-card-upgrade",
    name: "Metal card upgrade",
    category: "Cards",
    description: "Swap your plastic credit card for a stainless-steel one with the same number.",
    price: 50,
    options: [{ name: "finish", label: "Finish", choices: ["Brushed steel", "Matte black"] }]
  },
  {
    slug: "mortgage-refinance-consultation",
    name: "Mortgage refinance consultation",
    category: "Mortgages",
    description: "A 30-minute call with a mortgage specialist to compare refinance options for your home.",
    price: 0,
    options: [{ name: "time", label: "Preferred time", choices: ["Morning", "Afternoon", "Evening"] }]
  },
  {
    slug: "checkbook",
    name: "Checkbook",
    category: "Accounts",
    description: "50 checks for your checking account, delivered to your address on file.",
    price: 15,
    options: [{ name: "style", label: "Style", choices: ["Standard", "Duplicate"] }]
  },
  {
    slug: "paper-statements",
    name: "Paper statements",
    category: "Accounts",
    description: "Receive monthly statements by post in addition to online statements.",
    price: 0
  }
]
