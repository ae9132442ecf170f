import type { NewPost } from "../queries/knowledge.ts"

/** Community posts: questions from customers and the replies the community found most helpful. */
export const communityPosts: ReadonlyArray<NewPost> = [
  {
    slug: "refinanced-after-rate-drop",
    forum: "Mortgages",
    authorName: "homeowner_dana",
    helpfulCount: 48,
    title: "We refinanced our home after rates dropped: was it worth it?",
    body: "Rates fell about a point below our 30-year loan, so we looked at refinance options. Closing costs were $5,200 and our payment dropped $260 a month. Anything we should have checked first?",
    acceptedAnswer:
      "Your break-even is 20 months, so it is worth it if you stay at least two years. The other thing to check is the term: restarting at 30 years lowers the payment but adds interest. We refinanced into a 20-year term and our payment barely changed while we save years of interest."
  },
  {
    slug: "cash-out-refinance-vs-heloc",
    forum: "Mortgages",
    authorName: "renovating_ray",
    helpfulCount: 35,
    title: "Cash-out refinance or HELOC for a kitchen remodel?",
    body: "We need about $60,000 for a kitchen. Our current mortgage rate is low. Should we do a cash-out refinance of the whole home loan or take a home equity line of credit?",
    acceptedAnswer:
      "If your current rate is lower than today's, keep it and use a HELOC: a cash-out refinance would move your whole balance to the higher rate. A HELOC also lets you draw as the contractor bills you. Cash-out makes more sense when today's rates are at or below your current one."
  },
  {
    slug: "how-long-does-refinance-take",
    forum: "Mortgages",
    authorName: "first_time_fin",
    helpfulCount: 22,
    title: "How long did your refinance take from application to closing?",
    body: "Our lender said 30–45 days. Is that realistic for a rate-and-term refinance on a single-family home?",
    acceptedAnswer:
      "Ours took 34 days. The appraisal was the slowest part. Upload every document on the checklist on day one and answer underwriting questions the same day; that alone saved us a week. Lock your rate for 45 days to be safe."
  },
  {
    slug: "are-mortgage-points-worth-it",
    forum: "Mortgages",
    authorName: "numbers_nina",
    helpfulCount: 17,
    title: "Are mortgage discount points worth buying?",
    body: "We were offered 1 point ($3,500) to lower our rate by 0.25%. How do we decide?",
    acceptedAnswer:
      "Divide the cost by the monthly saving. If 0.25% saves you $55 a month, the point pays back in about 64 months. Buy it only if you expect to keep the loan (no refinance, no move) longer than that."
  },
  {
    slug: "card-stolen-while-traveling",
    forum: "Cards",
    authorName: "wanderer_wes",
    helpfulCount: 41,
    title: "Card stolen in Lisbon: how I got a replacement while traveling",
    body: "My wallet was stolen on a tram. I locked the card in the app within minutes, then reported it stolen in chat. They blocked it, disputed two charges the thief made, and sent an express replacement card to my hotel.",
    acceptedAnswer:
      "Great tip: lock first, then report. Also add the replacement card to Apple Pay as soon as you get the new number; it worked for me days before the plastic card arrived."
  },
  {
    slug: "replacement-card-arrival-time",
    forum: "Cards",
    authorName: "patient_pat",
    helpfulCount: 12,
    title: "Replacement card arrived in 4 business days",
    body: "Ordered a replacement for a damaged card on Monday with standard delivery; it arrived Friday. Same number, so my subscriptions kept working. I just activated it in the app.",
    acceptedAnswer:
      "Same here. Note that a lost or stolen card gets a new number, so you do have to update merchants in that case."
  },
  {
    slug: "do-i-need-a-travel-notice",
    forum: "Travel",
    authorName: "jetset_jo",
    helpfulCount: 29,
    title: "Do I still need a travel notice before going abroad?",
    body: "Some banks dropped travel notices. Should I still set one before a two-week trip to Japan?",
    acceptedAnswer:
      "Yes, it takes a minute in the app or chat and avoids a declined card at the hotel desk. Also make sure your phone number is current so you get the confirmation text if something still looks unusual."
  },
  {
    slug: "merchant-charged-twice",
    forum: "Disputes",
    authorName: "careful_cam",
    helpfulCount: 19,
    title: "Merchant charged me twice: how the dispute went",
    body: "A hotel charged my credit card twice for the same stay. The hotel did not answer my e-mails, so I opened a dispute in chat with the receipt attached.",
    acceptedAnswer:
      "You got a temporary credit within a week, right? That is normal. Keep the case number; the merchant has about 30–45 days to respond before the chargeback becomes final."
  },
  {
    slug: "apple-pay-after-replacement",
    forum: "Cards",
    authorName: "ios_isabel",
    helpfulCount: 15,
    title: "Does Apple Pay keep working after my card is replaced?",
    body: "My debit card was replaced after it was lost. The old card still shows in Wallet. Do I need to add the new one?",
    acceptedAnswer:
      "Usually Wallet updates to the new card by itself within a day. If it does not, remove the old card and add the replacement from the Parley app with Add to Apple Wallet."
  },
  {
    slug: "text-says-card-locked-scam",
    forum: "Security",
    authorName: "skeptical_sky",
    helpfulCount: 53,
    title: "Got a text saying my card was locked with a link: scam?",
    body: "The text said my card was locked for suspicious activity and gave a link to unlock it. The site asked for my card number and PIN.",
    acceptedAnswer:
      "That is phishing. The bank never asks for your PIN or full card number. Do not click; if you already entered details, lock your card in the app and tell support in chat so they can replace it and watch for fraud."
  },
  {
    slug: "which-card-abroad-foreign-fees",
    forum: "Travel",
    authorName: "budget_bea",
    helpfulCount: 24,
    title: "Which card should I use abroad to avoid foreign transaction fees?",
    body: "I have a cash back credit card and a debit card. Both charge a 3% foreign fee. Is there a better option for a month in Europe?",
    acceptedAnswer:
      "The Travel Infinite card has no foreign transaction fee. Whatever you use, always choose to pay in the local currency: the dollar conversion at the terminal costs more."
  },
  {
    slug: "credit-limit-increase-credit-score",
    forum: "Cards",
    authorName: "score_watcher",
    helpfulCount: 21,
    title: "Does asking for a credit limit increase hurt my credit score?",
    body: "I would like a higher limit for a big purchase. Will the request lower my score?",
    acceptedAnswer:
      "It may cause a hard inquiry, which can lower your score a few points for a while; the bank tells you first. A higher limit lowers your utilization, which usually helps more than the inquiry hurts."
  }
]
