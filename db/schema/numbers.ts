import { type SQL, sql } from "drizzle-orm"
import { type PgSequence, pgSequence } from "drizzle-orm/pg-core"

/**
 * Human record numbers (`IMS0001001`, `CS0001001`, …) come from sequences, not from row counts:
 * sequences never hand out the same value twice, even across concurrent transactions and nodes.
 * Gaps after a rollback are accepted, as in ServiceNow.
 */
export const interactionNumberSeq = pgSequence("interaction_number_seq", { startWith: 1001 })
export const caseNumberSeq = pgSequence("case_number_seq", { startWith: 1001 })
export const requestNumberSeq = pgSequence("request_number_seq", { startWith: 1001 })
export const replacementOrderNumberSeq = pgSequence("replacement_order_number_seq", { startWith: 1001 })

/** `PREFIX` + the next value zero-padded to 7 digits; used as a column default and by `nextNumber`. */
export const numberFrom = (prefix: string, seq: PgSequence): SQL =>
  sql.raw(`('${prefix}' || lpad(nextval('${seq.seqName}')::text, 7, '0'))`)
