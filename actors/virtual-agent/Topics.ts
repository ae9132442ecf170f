import { Schema } from "effect"
import { Topic, type TopicEncoded } from "./Topic.ts"

/** The topics the virtual agent runs. Decoded once at load, so a malformed topic fails at start-up, not mid-chat. */
const data: ReadonlyArray<TopicEncoded> = [
  {
    id: "card_replacement",
    title: "Replace a card",
    keywords: ["replacement", "replace", "lost card", "stolen", "damaged card", "new card", "lost my card"],
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
          { id: "address", type: "input", title: "Delivery address", prefill: "address" },
          { id: "phone", type: "input", title: "Phone number", prefill: "phone" }
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
    keywords: [
      "refinance",
      "mortgage",
      "article",
      "search",
      "how do",
      "how can",
      "what are",
      "what is",
      "options",
      "rates",
      "community",
      "knowledge"
    ],
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
    keywords: ["catalog", "catalogue", "order something", "request an item", "travel notice", "credit limit"],
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
    keywords: ["case", "complaint", "problem", "issue", "report"],
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
    keywords: ["my cases", "case status", "open cases", "my case"],
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
    keywords: ["agent", "human", "person", "representative", "someone", "operator"],
    needsCustomer: false,
    inMenu: true,
    steps: [{ _tag: "HandOff", reason: "The customer asked for a live agent" }]
  },
  {
    id: "feedback",
    title: "Feedback",
    keywords: ["bye", "goodbye", "thanks", "thank you", "that's all", "thats all"],
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
