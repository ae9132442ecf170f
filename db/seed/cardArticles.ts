import type { NewArticle } from "../queries/knowledge.ts"

/** Knowledge articles on cards, travel, disputes and everyday banking. */
export const cardArticles: ReadonlyArray<NewArticle> = [
  {
    number: "KB0010009",
    category: "Cards",
    title: "Report a lost or stolen card",
    summary: "Lock the card at once, report it, and get a replacement with a new number.",
    body: `If your card is lost or stolen, act at once:

1. Lock the card in the app (Cards › Lock card). A lock stops new purchases immediately and can be undone if you find the card.
2. Report it lost or stolen in chat or in the app. We block the card permanently and order a replacement with a new card number.
3. Check recent transactions. Anything you do not recognise can be disputed; you are not liable for unauthorised purchases reported promptly.

Your replacement card arrives in 3–5 business days, or 1–2 with express delivery. Recurring payments and Apple Pay move to the new card automatically in most cases.`
  },
  {
    number: "KB0010010",
    category: "Cards",
    title: "Order a replacement card for a damaged or worn card",
    summary: "Replace a card whose chip or stripe no longer works; your card number stays the same.",
    body: `If your card is cracked, bent, or its chip or contactless no longer works, order a replacement in chat or in the app (Cards › Replace card › Damaged).

A damaged-card replacement keeps the same card number and expiry date, so subscriptions keep working. Your current card stays active until you activate the new one, so you can keep using it if it still works.

Choose the delivery address and a delivery slot when you order. Standard delivery takes 3–5 business days and is free; express delivery takes 1–2 business days. Cut the old card through the chip once the new one is active.`
  },
  {
    number: "KB0010011",
    category: "Cards",
    title: "When will my replacement card arrive?",
    summary: "Replacement cards arrive in 3–5 business days; how to track one and what to do if it does not.",
    body: `Standard delivery of a replacement card takes 3–5 business days from the delivery slot you chose. Express delivery takes 1–2 business days and includes tracking. Cards are not delivered on weekends or public holidays.

Your order number (it starts with RPL) is in the chat confirmation. Ask in chat with the number to see its status.

If the card has not arrived after 7 business days, tell us: we will block the card in transit and send a new one at no cost. Meanwhile you can pay with Apple Pay: a replacement card's number can be added to Wallet before the plastic arrives.`
  },
  {
    number: "KB0010012",
    category: "Cards",
    title: "Activate your new card",
    summary: "Activate a new or replacement card in the app, at an ATM or by phone.",
    body: `Activate your new card before first use: in the app go to Cards, choose the new card and tap Activate; or make a chip-and-PIN purchase or ATM withdrawal with your PIN; or call the number on the sticker on the card.

A replacement for a lost or stolen card comes with a new number: update it with merchants that store your card, such as streaming services or utilities. A replacement for a damaged card keeps the same number. Your PIN stays the same unless you change it.`
  },
  {
    number: "KB0010013",
    category: "Cards",
    title: "Temporarily lock (freeze) your card",
    summary: "Pause a card you misplaced without cancelling it; unlock it again in seconds.",
    body: `Not sure where your card is? Lock it instead of reporting it lost. In the app go to Cards › Lock card. While locked, new purchases, ATM withdrawals and cash advances are declined. Recurring payments from merchants you already pay, refunds and deposits still go through.

Unlock the card the same way when you find it. If you do not find it, report it lost or stolen so we can block it permanently and send a replacement.`
  },
  {
    number: "KB0010014",
    category: "Travel",
    title: "Set a travel notice before you go abroad",
    summary: "Tell us where and when you travel so your card works abroad without interruption.",
    body: `Our fraud checks look for unusual activity, and a purchase in another country can look unusual. A travel notice tells us your destinations and dates so payments there are expected.

Set one in chat, in the app (Cards › Travel notice) or from the service catalog: choose the cards, the countries and the travel dates. You can add several trips.

Keep your phone number current: if we still see something unusual, we send a text message to confirm it is you. Reply YES to approve the purchase. We never ask for your PIN or full card number by text.`
  },
  {
    number: "KB0010015",
    category: "Travel",
    title: "Using your card abroad: foreign transaction fees and ATMs",
    summary: "Which cards charge foreign transaction fees, how exchange rates work and ATM tips.",
    body: `The Parley Travel Infinite Visa has no foreign transaction fee. Other cards charge 3% of each purchase made in a foreign currency or processed abroad.

When a terminal or ATM offers to charge you in US dollars, decline and pay in the local currency: the merchant's conversion (dynamic currency conversion) usually costs more than the network rate.

For cash, use your debit card at bank-owned ATMs; the ATM owner may charge a fee. Credit card cash advances start accruing interest immediately. Before you leave, set a travel notice and note our international phone number.`
  },
  {
    number: "KB0010016",
    category: "Disputes",
    title: "Dispute a card transaction",
    summary: "What you can dispute, how to file a dispute and what happens next.",
    body: `You can dispute a card transaction if you were charged twice, charged the wrong amount, did not receive what you paid for, returned an item without getting a refund, or did not make the purchase at all.

First, contact the merchant: many problems are solved fastest that way. If that fails, file a dispute in chat or in the app (Transactions › choose the transaction › Dispute) within 60 days of the statement date. Describe what happened and attach receipts or messages.

For fraud we block the card and send a replacement. For most disputes we give a temporary credit while we investigate. Never dispute a transaction you made just to delay paying it.`
  },
  {
    number: "KB0010017",
    category: "Disputes",
    title: "How chargebacks work and how long a dispute takes",
    summary: "The steps of a chargeback, typical timelines and what the temporary credit means.",
    body: `When you dispute a transaction, we ask the card network to reverse it: this is a chargeback. The merchant has a set time, often 30–45 days, to accept it or respond with evidence.

Most disputes are settled within 30–60 days; complex ones can take up to 90. We usually post a temporary credit within 10 business days. If the dispute is decided in your favour, the credit becomes permanent; if the merchant proves the charge was valid, we reverse the credit and tell you why.

You can follow your dispute's status in chat by asking about your open cases.`
  },
  {
    number: "KB0010018",
    category: "Security",
    title: "Recognise and report fraud and phishing",
    summary: "How to spot fake messages and calls, and what to do if you shared details.",
    body: `We will never ask for your full card number, PIN, password or one-time code by text, e-mail, phone or chat. Messages that urge you to act at once, threaten to close your account, or link to a login page are signs of phishing.

In Apple Messages for Business you can check that you are talking to us: our verified name and logo appear at the top of the chat.

If you shared details with a scammer, lock your card in the app, change your online banking password, and tell us in chat. We will block the card, send a replacement and help you dispute any unauthorised transactions.`
  },
  {
    number: "KB0010019",
    category: "Cards",
    title: "Credit card interest, APR and your grace period",
    summary: "How interest is charged on a credit card and how to avoid paying any.",
    body: `Your annual percentage rate (APR) is the yearly interest rate on balances you carry. Interest is charged daily on the average daily balance.

Pay the full statement balance by the due date and you pay no interest on purchases: this is the grace period, at least 25 days after the statement closes. If you pay less, interest applies to the remaining balance and new purchases lose the grace period until the balance is paid in full.

Cash advances and balance transfers have their own APRs and no grace period. Set up autopay for at least the minimum payment to avoid late fees.`
  },
  {
    number: "KB0010020",
    category: "Cards",
    title: "Ask for a credit limit increase",
    summary: "How to request a higher credit limit and what we consider.",
    body: `Request a credit limit increase in chat, in the app or from the service catalog. We look at your payment history with us, your income, your other debts and how long the account has been open. Accounts open at least six months with on-time payments are most likely to qualify.

We usually answer within two business days. Asking for an increase may lead to a hard credit inquiry; we tell you before we make one. A higher limit can lower your credit utilization, which can help your credit score, as long as your balance does not grow with it.`
  },
  {
    number: "KB0010021",
    category: "Cards",
    title: "Change or reset your card PIN",
    summary: "Change your PIN at an ATM or reset a forgotten PIN in the app.",
    body: `To change your PIN, insert your card at any Parley ATM, enter your current PIN and choose Change PIN. To reset a forgotten PIN, open the app, choose the card and tap Reset PIN; we confirm it is you with a one-time code sent to your phone.

Choose four digits that are not your birth date or a simple pattern like 1234. Never write your PIN on the card or share it with anyone, including our staff.`
  },
  {
    number: "KB0010022",
    category: "Cards",
    title: "Add your card to Apple Pay",
    summary: "Add a Parley card to Wallet on iPhone and Apple Watch, including after a replacement.",
    body: `Open the Wallet app on your iPhone, tap the plus button, choose Debit or Credit Card and follow the steps; or add the card from the Parley app with Add to Apple Wallet. We may send a one-time code to confirm.

When a card is replaced after loss or theft, its new number is usually updated in Wallet automatically. If the old card still shows, remove it and add the new one. Apple Pay uses a device account number, so your card number is never shared with merchants.`
  },
  {
    number: "KB0010023",
    category: "Accounts",
    title: "Update your mailing address and phone number",
    summary: "Keep your contact details current so cards and security texts reach you.",
    body: `Cards, statements and security texts go to the address and phone number on file. Update them in the app under Profile › Contact details, or ask in chat.

For your security we send a confirmation to both the old and the new phone number or e-mail, and new cards are not sent to an address changed in the last 7 days without an extra check. If you order a replacement card, you can enter a different delivery address in the replacement form without changing the address on file.`
  }
]
