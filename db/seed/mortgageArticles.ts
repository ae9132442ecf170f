import type { NewArticle } from "../queries/knowledge.ts"

/** Knowledge articles on mortgages and home refinancing (story step 7). */
export const mortgageArticles: ReadonlyArray<NewArticle> = [
  {
    number: "KB0010001",
    category: "Mortgages",
    title: "Home refinance options: rate-and-term, cash-out and streamline",
    summary: "The three main ways to refinance your home, what each is for, and how to choose between them.",
    body: `Refinancing replaces your current mortgage with a new loan. There are three common home refinance options.

Rate-and-term refinance: change your interest rate, your loan term, or both, without taking cash out. Choose it when rates have fallen since you borrowed, or to move from a 30-year to a 15-year term and pay less interest overall.

Cash-out refinance: borrow more than you owe and receive the difference in cash, using your home equity. Lenders usually keep the new loan at or below 80% of the home's value. Common uses are renovations and paying off higher-interest debt.

Streamline refinance: a faster process with less paperwork for government-backed loans (FHA, VA, USDA). It often needs no new appraisal.

To choose, compare your current rate with today's rates, decide whether you need cash, and check how long you will stay in the home: refinancing pays off only after you recover the closing costs. A mortgage specialist can compare the options with your numbers; ask in chat for a call back.`
  },
  {
    number: "KB0010002",
    category: "Mortgages",
    title: "How mortgage rates are set and how to get a better rate",
    summary: "What moves mortgage rates, why your offer differs from the advertised rate, and how to lower it.",
    body: `Mortgage rates follow the bond market: when yields on 10-year Treasury notes rise, fixed mortgage rates usually rise too. Central bank decisions move adjustable rates more directly.

Your own rate depends on your credit score, your down payment or equity (loan-to-value), the loan type and term, and whether you buy discount points. A 15-year loan usually has a lower rate than a 30-year loan.

To get a better rate: check your credit report and fix errors before you apply; pay down card balances to lower your credit utilization; put more money down or wait until you have at least 20% equity; compare a 15-year and a 30-year term; and ask about discount points, where each point costs 1% of the loan and lowers the rate. Get quotes on the same day so you compare like with like.`
  },
  {
    number: "KB0010003",
    category: "Mortgages",
    title: "When does refinancing make sense? Calculating your break-even point",
    summary: "Work out how many months it takes for a refinance to pay for itself.",
    body: `A refinance makes sense when you stay in the home long enough to recover its costs. Divide the total closing costs by your monthly saving to get the break-even point in months.

Example: closing costs of $4,800 and a payment that drops by $200 a month give a break-even of 24 months. If you plan to move in two years, refinancing does not pay off; if you stay ten years, it saves about $19,000.

Also compare total interest, not only the monthly payment: starting a new 30-year term lowers the payment but can raise the interest you pay overall. Refinancing to a shorter term raises the payment but saves the most interest. Our mortgage specialists can run these numbers with you.`
  },
  {
    number: "KB0010004",
    category: "Mortgages",
    title: "Cash-out refinance: using your home equity",
    summary: "How a cash-out refinance works, how much you can borrow and the risks to weigh.",
    body: `Home equity is your home's value minus what you owe. A cash-out refinance replaces your mortgage with a larger one and pays you the difference.

Most lenders let you borrow up to 80% of the appraised value. With a home worth $500,000 and a $250,000 balance, 80% is $400,000, so up to $150,000 could be cashed out, less closing costs.

Compared with a home equity line of credit (HELOC), a cash-out refinance gives one fixed rate on the whole balance, which suits large one-off costs. A HELOC leaves your first mortgage untouched and lets you draw as needed, which suits projects paid in stages. Remember that your home secures the loan: borrow for lasting value, not for spending.`
  },
  {
    number: "KB0010005",
    category: "Mortgages",
    title: "Fixed-rate vs adjustable-rate mortgages (ARM)",
    summary: "How fixed and adjustable mortgage rates differ and who each suits.",
    body: `A fixed-rate mortgage keeps the same interest rate and principal-and-interest payment for the whole term, usually 15 or 30 years. It suits buyers who plan to stay and want predictable payments.

An adjustable-rate mortgage (ARM) starts with a fixed rate for an initial period, for example 5 years in a 5/6 ARM, then adjusts every 6 months with a market index plus a margin. Caps limit each adjustment and the lifetime increase. ARMs usually start lower than fixed rates, so they can suit buyers who expect to move or refinance before the first adjustment.

Before choosing an ARM, ask for the worst-case payment under the caps and make sure you could afford it.`
  },
  {
    number: "KB0010006",
    category: "Mortgages",
    title: "Closing costs on a refinance and how to reduce them",
    summary: "What you pay to close a refinance (typically 2–5% of the loan) and ways to pay less.",
    body: `Refinance closing costs typically total 2–5% of the new loan. They include the application and origination fees, the appraisal, title search and title insurance, recording fees, and prepaid interest, taxes and insurance for your escrow account.

To pay less: compare the Loan Estimates of at least three lenders line by line; ask your current title insurer for a reissue rate; ask whether an appraisal waiver applies; and consider a no-closing-cost refinance, where the lender pays the costs in exchange for a slightly higher rate. That trade suits you only if you will not keep the loan for long.`
  },
  {
    number: "KB0010007",
    category: "Mortgages",
    title: "Documents you need to apply for a mortgage or refinance",
    summary: "A checklist of documents to gather before you apply, so underwriting goes faster.",
    body: `Gather these before you apply for a mortgage or a refinance:

Identity: a government-issued photo ID and your Social Security number.
Income: pay stubs for the last 30 days, W-2 forms for two years, and tax returns for two years if you are self-employed, with a year-to-date profit and loss statement.
Assets: two months of bank and investment statements.
Property: your current mortgage statement, homeowner's insurance declarations page, and property tax bill.
Debts: statements for car loans, student loans and other debts.

Upload documents through online banking or bring them to a branch. Missing documents are the most common reason a refinance takes longer than 30–45 days.`
  },
  {
    number: "KB0010008",
    category: "Mortgages",
    title: "Locking your mortgage rate",
    summary: "What a rate lock is, how long it lasts and what happens if rates fall after you lock.",
    body: `A rate lock guarantees your interest rate while your loan is processed, usually for 30, 45 or 60 days. If rates rise before closing, your rate does not.

Lock once you have a signed purchase contract or have chosen to refinance, and when you are happy with the rate. Longer locks can cost more. If closing is delayed past the lock, you may pay to extend it.

Some locks include a float-down option: if rates fall by a set amount before closing, you can take the lower rate once. Ask your mortgage specialist whether it is available and what it costs.`
  }
]
