import { relations } from "drizzle-orm"
import { agentChannels, agentSkills, callbacks, offers, workItems } from "./awa.ts"
import { cases, replacementOrders } from "./cases.ts"
import { catalogItems, catalogRequests } from "./catalog.ts"
import { accounts, appleIdentities, assets, consumers, contacts } from "./customers.ts"
import { feedback, interactions, messages } from "./interactions.ts"
import { queues, skills } from "./queues.ts"
import { userRoles, users } from "./users.ts"

/** Relations for drizzle's relational queries (`db.query.*.findMany({ with })`), kept apart from the tables. */

export const usersRelations = relations(users, ({ many, one }) => ({
  roles: many(userRoles),
  skills: many(agentSkills),
  channels: many(agentChannels),
  contact: one(contacts, { fields: [users.contactId], references: [contacts.id] }),
  consumer: one(consumers, { fields: [users.consumerId], references: [consumers.id] })
}))

export const userRolesRelations = relations(userRoles, ({ one }) => ({
  user: one(users, { fields: [userRoles.userId], references: [users.id] })
}))

export const accountsRelations = relations(accounts, ({ many }) => ({ contacts: many(contacts) }))

export const contactsRelations = relations(contacts, ({ one, many }) => ({
  account: one(accounts, { fields: [contacts.accountId], references: [accounts.id] }),
  assets: many(assets),
  identities: many(appleIdentities)
}))

export const consumersRelations = relations(consumers, ({ many }) => ({
  assets: many(assets),
  identities: many(appleIdentities)
}))

export const appleIdentitiesRelations = relations(appleIdentities, ({ one }) => ({
  contact: one(contacts, { fields: [appleIdentities.contactId], references: [contacts.id] }),
  consumer: one(consumers, { fields: [appleIdentities.consumerId], references: [consumers.id] })
}))

export const assetsRelations = relations(assets, ({ one }) => ({
  contact: one(contacts, { fields: [assets.contactId], references: [contacts.id] }),
  consumer: one(consumers, { fields: [assets.consumerId], references: [consumers.id] })
}))

export const interactionsRelations = relations(interactions, ({ one, many }) => ({
  contact: one(contacts, { fields: [interactions.contactId], references: [contacts.id] }),
  consumer: one(consumers, { fields: [interactions.consumerId], references: [consumers.id] }),
  assignee: one(users, { fields: [interactions.assignedTo], references: [users.id] }),
  queue: one(queues, { fields: [interactions.queueId], references: [queues.id] }),
  parent: one(interactions, {
    fields: [interactions.parentId],
    references: [interactions.id],
    relationName: "followUps"
  }),
  followUps: many(interactions, { relationName: "followUps" }),
  messages: many(messages),
  cases: many(cases),
  feedback: many(feedback),
  workItems: many(workItems)
}))

export const messagesRelations = relations(messages, ({ one }) => ({
  interaction: one(interactions, { fields: [messages.interactionId], references: [interactions.id] }),
  author: one(users, { fields: [messages.authorUserId], references: [users.id] })
}))

export const feedbackRelations = relations(feedback, ({ one }) => ({
  interaction: one(interactions, { fields: [feedback.interactionId], references: [interactions.id] })
}))

export const casesRelations = relations(cases, ({ one }) => ({
  interaction: one(interactions, { fields: [cases.interactionId], references: [interactions.id] }),
  asset: one(assets, { fields: [cases.assetId], references: [assets.id] })
}))

export const replacementOrdersRelations = relations(replacementOrders, ({ one }) => ({
  asset: one(assets, { fields: [replacementOrders.assetId], references: [assets.id] }),
  interaction: one(interactions, { fields: [replacementOrders.interactionId], references: [interactions.id] })
}))

export const catalogRequestsRelations = relations(catalogRequests, ({ one }) => ({
  item: one(catalogItems, { fields: [catalogRequests.itemId], references: [catalogItems.id] })
}))

export const agentSkillsRelations = relations(agentSkills, ({ one }) => ({
  agent: one(users, { fields: [agentSkills.agentId], references: [users.id] }),
  skill: one(skills, { fields: [agentSkills.skillId], references: [skills.id] })
}))

export const agentChannelsRelations = relations(agentChannels, ({ one }) => ({
  agent: one(users, { fields: [agentChannels.agentId], references: [users.id] })
}))

export const workItemsRelations = relations(workItems, ({ one, many }) => ({
  interaction: one(interactions, { fields: [workItems.interactionId], references: [interactions.id] }),
  queue: one(queues, { fields: [workItems.queueId], references: [queues.id] }),
  offers: many(offers)
}))

export const offersRelations = relations(offers, ({ one }) => ({
  workItem: one(workItems, { fields: [offers.workItemId], references: [workItems.id] })
}))

export const callbacksRelations = relations(callbacks, ({ one }) => ({
  interaction: one(interactions, { fields: [callbacks.interactionId], references: [interactions.id] }),
  queue: one(queues, { fields: [callbacks.queueId], references: [queues.id] })
}))
