import { hash } from "@node-rs/argon2"
import { sql } from "drizzle-orm"
import { Effect } from "effect"
import type { Db } from "../Db.ts"
import type { DbError } from "../DbError.ts"
import { setCapacity } from "../queries/agents.ts"
import { createAsset } from "../queries/assets.ts"
import { audit, auditOf } from "../queries/audit.ts"
import { type CustomerRef, consumerRef, contactRef } from "../queries/CustomerRef.ts"
import { createCatalogItem, findCatalogItem } from "../queries/catalog.ts"
import {
  createAccount,
  createConsumer,
  createContact,
  findAccountByName,
  findCustomerByEmail
} from "../queries/customers.ts"
import { findIdentity, linkIdentity } from "../queries/identities.ts"
import { inTransaction, query } from "../queries/internal/query.ts"
import { createArticle, createPost, findArticle, findPost } from "../queries/knowledge.ts"
import { createQueue, createSkill, findQueueByName, findSkillByName, grantSkill } from "../queries/queues.ts"
import { createUser, findUserByLogin } from "../queries/users.ts"
import { cardArticles } from "./cardArticles.ts"
import { demoCatalog } from "./catalog.ts"
import { communityPosts } from "./communityPosts.ts"
import { type DemoCustomer, demoBusinessId, demoCustomers } from "./customers.ts"
import { mortgageArticles } from "./mortgageArticles.ts"
import { demoPasswordDefault, demoQueues, demoSkills, demoUsers } from "./staff.ts"

export interface SeedOptions {
  /** The Apple businesses the demo customers' opaque ids are linked under. */
  readonly businessIds: ReadonlyArray<string>
  /** The demo users' password; demo data only. */
  readonly demoPassword: string
}

/** The audit entity that remembers which demo logins were ever created. */
const seededUser = "demo_user"

export const defaultSeedOptions: SeedOptions = { businessIds: [demoBusinessId], demoPassword: demoPasswordDefault }

/** How many records of each kind this run added; all zero when the demo data was already there. */
export type SeedReport = Readonly<Record<string, number>>

/**
 * Adds the demo data that is missing, matched by natural keys (account name, e-mail, login, opaque id,
 * article number, post and catalog slug, queue and skill name), in one transaction. Running it again
 * adds nothing; records an operator changed are left as they are, and a demo user is created once
 * only (the audit log remembers it), so one deleted since is never re-created. A transaction-scoped advisory lock
 * keeps two nodes starting at once from seeding side by side.
 */
export const seedIfEmpty = (options: Partial<SeedOptions> = {}): Effect.Effect<SeedReport, DbError, Db> => {
  const { businessIds, demoPassword } = { ...defaultSeedOptions, ...options }
  const added: Record<string, number> = {}
  const count = (kind: string) => {
    added[kind] = (added[kind] ?? 0) + 1
  }
  return inTransaction(
    Effect.gen(function* () {
      yield* query("seedLock", (db) => db.execute(sql`select pg_advisory_xact_lock(hashtext('parley.seed'))`))
      for (const skill of demoSkills) {
        if ((yield* findSkillByName(skill.name)) === undefined) {
          yield* createSkill(skill)
          count("skills")
        }
      }
      for (const queue of demoQueues) {
        if ((yield* findQueueByName(queue.name)) !== undefined) continue
        const overflow = queue.overflowQueue === undefined ? undefined : yield* findQueueByName(queue.overflowQueue)
        const { overflowQueue: _name, maxWaitSeconds, ...settings } = queue
        yield* createQueue({
          ...settings,
          maxWaitSeconds: maxWaitSeconds ?? null,
          overflowQueueId: overflow?.id ?? null
        })
        count("queues")
      }
      for (const customer of demoCustomers) {
        const ref = yield* ensureCustomer(customer, count)
        if (customer.opaqueId === undefined) continue
        for (const businessId of businessIds) {
          if ((yield* findIdentity(businessId, customer.opaqueId)) !== undefined) continue
          yield* linkIdentity({ businessId, opaqueId: customer.opaqueId, customer: ref, method: "seed" })
          count("appleIdentities")
        }
      }
      for (const user of demoUsers) {
        // Seeded once, ever: an operator who deleted or renamed a demo user does not get it back.
        if ((yield* auditOf(seededUser, user.login, 1)).length > 0) continue
        if ((yield* findUserByLogin(user.login)) !== undefined) continue
        const customer = user.customerEmail === undefined ? undefined : yield* findCustomerByEmail(user.customerEmail)
        const passwordHash = yield* Effect.promise(() => hash(demoPassword))
        const created = yield* createUser({
          login: user.login,
          email: user.email,
          displayName: user.displayName,
          passwordHash,
          roles: user.roles,
          ...(customer === undefined ? {} : { customer })
        })
        for (const name of user.skills ?? []) {
          const skill = yield* findSkillByName(name)
          if (skill !== undefined) yield* grantSkill(created.id, skill.id)
        }
        if (user.capacity !== undefined) yield* setCapacity(created.id, "apple_messages", user.capacity)
        yield* audit({
          action: "seed.create",
          entity: seededUser,
          entityId: user.login,
          details: { userId: created.id }
        })
        count("users")
      }
      for (const article of [...mortgageArticles, ...cardArticles]) {
        if ((yield* findArticle(article.number)) !== undefined) continue
        yield* createArticle(article)
        count("knowledgeArticles")
      }
      for (const post of communityPosts) {
        if ((yield* findPost(post.slug)) !== undefined) continue
        yield* createPost(post)
        count("communityPosts")
      }
      for (const item of demoCatalog) {
        if ((yield* findCatalogItem(item.slug)) !== undefined) continue
        yield* createCatalogItem(item)
        count("catalogItems")
      }
      return added
    })
  )
}

/** The customer by e-mail, or a new one with their account and cards (cards only come with a new customer). */
const ensureCustomer = (
  customer: DemoCustomer,
  count: (kind: string) => void
): Effect.Effect<CustomerRef, DbError, Db> =>
  Effect.gen(function* () {
    const existing = yield* findCustomerByEmail(customer.email)
    if (existing !== undefined) return existing
    const person = {
      firstName: customer.firstName,
      lastName: customer.lastName,
      email: customer.email,
      phone: customer.phone,
      address: customer.address
    }
    let ref: CustomerRef
    if (customer.account !== undefined) {
      const account = (yield* findAccountByName(customer.account.name)) ?? (yield* createAccount(customer.account))
      ref = contactRef((yield* createContact(account.id, person)).id)
      count("contacts")
    } else {
      ref = consumerRef((yield* createConsumer({ ...person, tier: customer.tier ?? "standard" })).id)
      count("consumers")
    }
    for (const card of customer.cards) {
      yield* createAsset({ ...card, owner: ref })
      count("assets")
    }
    return ref
  })
