import { Schema } from "effect"
import { Topic, type TopicEncoded } from "./Topic.ts"

/** Words customers use for the same thing, read as the word the topics' phrases use. */
export const equivalents: Readonly<Record<string, string>> = {
  visa: "card",
  mastercard: "card",
  amex: "card",
  debit: "card",
  refi: "refinance",
  refinancing: "refinance",
  cheque: "check",
  checkbook: "check",
  chequebook: "check",
  ticket: "case",
  claim: "case",
  human: "person",
  representive: "representative",
  rep: "representative",
  thx: "thanks",
  ty: "thanks",
  cya: "bye"
}

/** The topics the virtual agent runs. Decoded once at load, so a malformed topic fails at start-up, not mid-chat. */
const data: ReadonlyArray<TopicEncoded> = [
  {
    id: "card_replacement",
    title: "Replace a card",
    understanding: {
      phrases: [
        "replace card",
        "replacement",
        "lost card",
        "lose card",
        "card lose",
        "card missing",
        "misplace card",
        "can not find card",
        "stolen card",
        "steal card",
        "card steal",
        "card damage",
        "damaged card",
        "broken card",
        "card break",
        "card crack",
        "card snap",
        "card not work",
        "chip not work",
        "card swallow",
        "swallow card",
        "eat card",
        "keep card",
        "card go",
        "leave card",
        "card decline chip",
        "need new card",
        "order new card",
        "get new card",
        "send new card"
      ],
      examples: [
        "I lost my credit card",
        "my card was stolen",
        "I need a replacement card",
        "my debit card is damaged",
        "my card snapped in half",
        "the chip on my card stopped working",
        "someone took my wallet with my cards",
        "please send me a new card",
        "I can't find my card anywhere",
        "the ATM ate my card"
      ],
      serves: ["request"]
    },
    needsCustomer: true,
    inMenu: true,
    steps: [
      { _tag: "Say", text: "I can help you replace a card." },
      {
        _tag: "Choose",
        prompt: "Which card would you like to replace?",
        style: "list",
        source: "cards",
        save: "asset"
      },
      {
        _tag: "Form",
        title: "Replacement details",
        fields: [
          {
            id: "reason",
            type: "select",
            title: "Why do you need a replacement?",
            options: [
              { id: "lost", title: "Lost" },
              { id: "stolen", title: "Stolen" },
              { id: "damaged", title: "Damaged", synonyms: ["broken"] }
            ]
          },
          { id: "dateLost", type: "date", title: "When did it happen?", required: false },
          { id: "address", type: "input", title: "Delivery address", prefill: "address", format: "address" },
          { id: "phone", type: "input", title: "Phone number", prefill: "phone", format: "phone" }
        ]
      },
      {
        _tag: "PickTime",
        title: "Choose a delivery slot",
        save: "slot",
        days: 3,
        hoursUtc: [16, 20],
        minutes: 120,
        app: "delivery-slots"
      },
      { _tag: "Create", record: "replacementOrder" },
      { _tag: "End", after: "askMore" }
    ]
  },
  {
    id: "knowledge",
    title: "Search help articles",
    understanding: {
      phrases: [
        "activate",
        "activation",
        "refinance",
        "mortgage",
        "interest rate",
        "rate",
        "apr",
        "fee",
        "how long",
        "how do",
        "how can",
        "article",
        "help article",
        "information",
        "learn",
        "explain",
        "tip",
        "pin",
        "apple pay",
        "abroad",
        "home equity",
        "closing cost",
        "credit score",
        "grace period",
        "chargeback",
        "phishing",
        "scam"
      ],
      examples: [
        "how do I activate my new card",
        "what are my home refinance options",
        "what are today's mortgage rates",
        "how long does a replacement card take to arrive",
        "how do I change my PIN",
        "what fees do you charge abroad",
        "can you explain how interest works on my card",
        "is it worth refinancing my house",
        "how do I add my card to apple pay",
        "where can I read about disputes",
        "does a credit limit increase hurt my credit score",
        "is this text message a scam"
      ],
      serves: ["question", "request"]
    },
    needsCustomer: false,
    inMenu: true,
    steps: [
      { _tag: "AskText", prompt: "What would you like to know?", save: "query", unlessKnown: true },
      { _tag: "Lookup", what: "knowledge", from: "query" },
      { _tag: "End", after: "askMore" }
    ]
  },
  {
    id: "catalog",
    title: "Browse the service catalog",
    understanding: {
      phrases: [
        "catalog",
        "catalogue",
        "service catalog",
        "order something",
        "request item",
        "travel notice",
        "travel",
        "trip",
        "credit limit",
        "limit increase",
        "raise limit",
        "checkbook",
        "cheque book",
        "check",
        "paper statement",
        "statement by mail",
        "metal card",
        "upgrade card",
        "express delivery",
        "refinance consultation",
        "vacation",
        "holiday",
        "go abroad",
        "trip abroad",
        "note on card",
        "note on account",
        "browse"
      ],
      examples: [
        "I want to set a travel notice",
        "I'm going abroad next week, please note it on my account",
        "I would like a credit limit increase",
        "raise my credit limit please",
        "I need to order a checkbook",
        "send me paper statements",
        "upgrade me to the metal card",
        "show me the service catalog",
        "I want to request an item from the catalog",
        "book a refinance consultation"
      ],
      serves: ["request"]
    },
    needsCustomer: false,
    inMenu: true,
    steps: [
      { _tag: "Choose", prompt: "What would you like to request?", style: "list", source: "catalog", save: "item" },
      { _tag: "AskText", prompt: "How many would you like?", save: "quantity", number: true },
      { _tag: "AskText", prompt: "Any details we should know? (or say skip)", save: "details", optional: true },
      { _tag: "Create", record: "catalogRequest" },
      { _tag: "End", after: "askMore" }
    ]
  },
  {
    id: "create_case",
    title: "Create a case",
    understanding: {
      phrases: [
        "open case",
        "create case",
        "case",
        "complaint",
        "complain",
        "problem",
        "issue",
        "report",
        "wrong",
        "charge twice",
        "double charge",
        "unauthorized",
        "fraud",
        "fraudulent",
        "dispute",
        "dispute charge",
        "refund",
        "error",
        "mistake",
        "not right",
        "not receive",
        "never receive",
        "never get",
        "not get",
        "not go through",
        "bill",
        "bug",
        "crash",
        "money",
        "charge",
        "not make",
        "not recognise",
        "not authorize",
        "not authorise",
        "not recognize",
        "fraud account",
        "raise issue"
      ],
      examples: [
        "I want to report a problem",
        "I'd like to file a complaint",
        "I was charged twice for the same purchase",
        "there is a transaction I don't recognise",
        "I want to dispute a charge",
        "something is wrong with my statement",
        "please open a case for me",
        "the merchant never refunded me",
        "your app keeps crashing when I log in",
        "I never received my statement"
      ],
      serves: ["request"]
    },
    needsCustomer: true,
    inMenu: true,
    steps: [
      { _tag: "AskText", prompt: "Please describe the problem in a sentence.", save: "short" },
      { _tag: "AskText", prompt: "Anything else we should know? (or say skip)", save: "details", optional: true },
      { _tag: "Create", record: "case" },
      { _tag: "End", after: "askMore" }
    ]
  },
  {
    id: "my_cases",
    title: "My cases",
    understanding: {
      phrases: [
        "my case",
        "case status",
        "status case",
        "existing case",
        "my ticket",
        "ticket status",
        "my complaint",
        "update on",
        "any news",
        "progress",
        "follow up",
        "status",
        "any open case",
        "have open case",
        "what happen",
        "happen with",
        "list case",
        "show case",
        "see case"
      ],
      examples: [
        "what is the status of my case",
        "show me my open cases",
        "any update on my complaint",
        "check on my ticket",
        "where are we with my case",
        "did anything happen with the issue I reported",
        "list my cases",
        "follow up on my request from last week"
      ],
      serves: ["question", "request"]
    },
    needsCustomer: true,
    inMenu: true,
    steps: [
      { _tag: "Lookup", what: "openCases" },
      { _tag: "End", after: "askMore" }
    ]
  },
  {
    id: "live_agent",
    title: "Talk to an agent",
    understanding: {
      phrases: [
        "agent",
        "live agent",
        "human",
        "person",
        "real person",
        "representative",
        "talk to someone",
        "operator",
        "talk to",
        "speak to",
        "speak with",
        "call me",
        "staff"
      ],
      examples: [
        "I want to talk to a person",
        "let me speak to a human",
        "can I chat with a live agent",
        "get me a representative",
        "is there a real person there",
        "connect me to customer service staff"
      ],
      serves: ["question", "request"],
      secondary: true
    },
    needsCustomer: false,
    inMenu: true,
    steps: [{ _tag: "HandOff", reason: "The customer asked for a live agent" }]
  },
  {
    id: "feedback",
    title: "Feedback",
    tracked: false,
    understanding: {
      phrases: [
        "bye",
        "goodbye",
        "thanks",
        "thank",
        "thats all",
        "all set",
        "all i need",
        "that be it",
        "that be all",
        "nothing else",
        "have a good day",
        "good day",
        "nice day",
        "cheer",
        "appreciate"
      ],
      examples: ["thanks, bye", "that's all for today", "goodbye", "thank you so much", "nothing else, I'm done"],
      serves: ["question", "request"],
      secondary: true
    },
    needsCustomer: false,
    inMenu: false,
    steps: [
      {
        _tag: "Choose",
        prompt: "How was your experience today?",
        style: "quick",
        options: [
          { id: "5", title: "5 Excellent", synonyms: ["excellent", "great", "👍"] },
          { id: "4", title: "4 Good", synonyms: ["good"] },
          { id: "3", title: "3 Okay", synonyms: ["okay", "ok"] },
          { id: "2", title: "2 Poor", synonyms: ["poor"] },
          { id: "1", title: "1 Bad", synonyms: ["bad", "👎"] }
        ],
        save: "rating"
      },
      {
        _tag: "AskText",
        prompt: "Thank you! Anything you'd like to add? (or say skip)",
        save: "comment",
        optional: true
      },
      { _tag: "Create", record: "feedback" },
      { _tag: "End", after: "close" }
    ]
  }
]

export const topics: ReadonlyArray<Topic> = Schema.decodeUnknownSync(Schema.Array(Topic))(data)

export const topicById = (id: string): Topic | undefined => topics.find((t) => t.id === id)
