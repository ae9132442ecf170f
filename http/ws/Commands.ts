import { Effect } from "effect"
import { Accept, Agent, Complete, Reject, SetPresence, Transfer, WrapUp } from "../../actors/agent/AgentProtocol.ts"
import {
  AgentClose,
  AgentSend,
  AgentTyping,
  CaseCreated,
  Conversation,
  LinkCustomer,
  OfferCallBack
} from "../../actors/conversation/ConversationProtocol.ts"
import { missingRequirement, receivesFiles } from "../../apple/CapabilityGate.ts"
import type { Db } from "../../db/Db.ts"
import { findAttachment } from "../../db/queries/attachments.ts"
import { customerOf } from "../../db/queries/CustomerRef.ts"
import { createCase } from "../../db/queries/cases.ts"
import { findCustomer } from "../../db/queries/customers.ts"
import { findInteraction } from "../../db/queries/interactions.ts"
import { findQueueByName } from "../../db/queries/queues.ts"
import { findUser } from "../../db/queries/users.ts"
import { findWorkItem } from "../../db/queries/workItems.ts"
import { findOffer } from "../../db/queries/workspace.ts"
import type { Interaction } from "../../db/schema/interactions.ts"
import { ActorSystem, type TellOptions } from "../../runtime/ActorSystem.ts"
import type { Addressable } from "../../runtime/Turn.ts"
import { isAgent, type Principal } from "../auth/Principal.ts"
import { CommandRefused, forbidden, notFound, unavailable } from "./CommandRefused.ts"
import { toOutbound } from "./Content.ts"
import type { Command } from "./Protocol.ts"

/**
 * Carries out one workspace command for `principal`, after the checks README.md's roles call for: the
 * role (agents and managers; customers are forbidden everything), then ownership (the interaction,
 * offer or work item must be the caller's; anyone else's is "not found", never "forbidden", so ids
 * do not leak), then what the customer's device can show. What passes is told durably to the agent
 * or conversation actor; the `ack` means it is stored, and the actor's outcome follows as an event.
 */

export type CommandServices = Db | ActorSystem

export type ActionCommand = Exclude<Command, { readonly type: "hello" }>

type Result = Readonly<Record<string, unknown>> | undefined

const orUnavailable = <A, R>(effect: Effect.Effect<A, unknown, R>): Effect.Effect<A, CommandRefused, R> =>
  Effect.catchAll(effect, (e) =>
    e instanceof CommandRefused
      ? Effect.fail(e)
      : Effect.logWarning("ws: command failed on infrastructure", e).pipe(Effect.zipRight(Effect.fail(unavailable())))
  )

const tell = <Msg, MsgEncoded>(target: Addressable<Msg, MsgEncoded>, id: string, message: Msg, options?: TellOptions) =>
  Effect.flatMap(ActorSystem, (sys) => sys.tell(target, id, message, options)).pipe(Effect.asVoid)

const ownInteraction = (principal: Principal, interactionId: string) =>
  Effect.flatMap(findInteraction(interactionId), (row) =>
    row !== undefined && row.assignedTo === principal.userId
      ? Effect.succeed(row)
      : Effect.fail(notFound("interaction"))
  )

const ownOffer = (principal: Principal, offerId: string) =>
  Effect.flatMap(findOffer(offerId), (row) =>
    row !== undefined && row.agentId === principal.userId ? Effect.succeed(row) : Effect.fail(notFound("offer"))
  )

const ownWorkItem = (principal: Principal, workItemId: string) =>
  Effect.flatMap(findWorkItem(workItemId), (row) =>
    row !== undefined && row.state === "assigned" && row.assignedTo === principal.userId
      ? Effect.succeed(row)
      : Effect.fail(notFound("work item"))
  )

/** A file uploaded for this interaction (`POST /api/conversations/:id/attachments`); anything else is "not found". */
const uploaded = (interaction: Interaction, id: string) =>
  Effect.flatMap(findAttachment(id), (found) =>
    found !== undefined && found.attachment.interactionId === interaction.id && found.attachment.direction === "out"
      ? Effect.succeed({
          _tag: "Kept" as const,
          id,
          name: found.attachment.name,
          mimeType: found.attachment.contentType,
          size: found.attachment.size
        })
      : Effect.fail(notFound("attachment"))
  )

const send = Effect.fn("AgentSocket.send")(function* (
  principal: Principal,
  command: Extract<ActionCommand, { readonly type: "send" }>
) {
  const interaction = yield* ownInteraction(principal, command.interactionId)
  const content = yield* toOutbound(command.content).pipe(
    Effect.mapError((e) => new CommandRefused({ code: "invalid_command", reason: e.reason }))
  )
  if (content.type === "interactive" && "interactiveData" in content) {
    const missing = missingRequirement(
      interaction.capabilities,
      content.interactiveData,
      interaction.deviceAgent ?? undefined
    )
    if (missing !== undefined)
      return yield* new CommandRefused({
        code: "capability_missing",
        reason:
          missing === "IOS_DEVICE" ? "customer's device is not an iPhone or iPad" : `customer's device lacks ${missing}`
      })
  }
  const files = command.content.kind === "attachment" ? [yield* uploaded(interaction, command.content.id)] : []
  if (files.length > 0 && !receivesFiles(interaction.deviceAgent ?? undefined))
    return yield* new CommandRefused({
      code: "capability_missing",
      reason: "customer's device cannot receive files (Apple Watch)"
    })
  const ids = { interactionId: interaction.id, agentId: principal.userId }
  // The same client message id is stored once, so a client retrying after a lost ack sends once.
  yield* tell(
    Conversation,
    interaction.conversationId,
    AgentSend.make({
      ...ids,
      clientMessageId: command.clientMessageId,
      content,
      ...(files.length > 0 ? { files } : {})
    }),
    { msgId: `agent-send-${interaction.id}-${command.clientMessageId}` }
  )
  return undefined
})

const run = (principal: Principal, command: ActionCommand): Effect.Effect<Result, unknown, CommandServices> =>
  Effect.gen(function* () {
    const me = principal.userId
    const onInteraction = (interactionId: string) =>
      Effect.map(ownInteraction(principal, interactionId), (row) => ({
        row,
        ids: { interactionId: row.id, agentId: me }
      }))
    switch (command.type) {
      case "setPresence":
        yield* tell(
          Agent,
          me,
          SetPresence.make({
            channel: command.channel,
            state: command.state,
            ...(command.label !== undefined ? { label: command.label } : {})
          })
        )
        return undefined
      case "accept":
        yield* ownOffer(principal, command.offerId)
        yield* tell(Agent, me, Accept.make({ offerId: command.offerId }))
        return undefined
      case "reject":
        yield* ownOffer(principal, command.offerId)
        yield* tell(Agent, me, Reject.make({ offerId: command.offerId, reason: command.reason }))
        return undefined
      case "send":
        return yield* send(principal, command)
      case "typing": {
        const { row, ids } = yield* onInteraction(command.interactionId)
        yield* tell(Conversation, row.conversationId, AgentTyping.make({ ...ids, active: command.active }))
        return undefined
      }
      case "close": {
        const { row, ids } = yield* onInteraction(command.interactionId)
        yield* tell(Conversation, row.conversationId, AgentClose.make(ids))
        return undefined
      }
      case "createCase": {
        const { row, ids } = yield* onInteraction(command.interactionId)
        const customer = customerOf(row)
        if (customer === undefined)
          return yield* new CommandRefused({
            code: "no_customer",
            reason: "the customer is not identified; link them to a contact or consumer first"
          })
        const created = yield* createCase({
          customer,
          shortDescription: command.shortDescription,
          interactionId: row.id,
          openedBy: me,
          ...(command.description !== undefined ? { description: command.description } : {}),
          ...(command.priority !== undefined ? { priority: command.priority } : {})
        })
        yield* tell(Conversation, row.conversationId, CaseCreated.make({ ...ids, caseNumber: created.number }))
        return { caseId: created.id, caseNumber: created.number }
      }
      case "scheduleCallBack": {
        const { row, ids } = yield* onInteraction(command.interactionId)
        const queue = yield* findQueueByName(command.queue)
        if (queue === undefined || !queue.active) return yield* notFound("queue")
        yield* tell(Conversation, row.conversationId, OfferCallBack.make({ ...ids, queue: queue.name }))
        return undefined
      }
      case "transfer": {
        const { row } = yield* onInteraction(command.interactionId)
        if ("toQueue" in command) {
          const queue = yield* findQueueByName(command.toQueue)
          if (queue === undefined || !queue.active) return yield* notFound("queue")
          yield* tell(Agent, me, Transfer.make({ interactionId: row.id, to: { queue: queue.name } }))
          return undefined
        }
        const target = yield* findUser(command.toAgent)
        if (target === undefined || !target.active || command.toAgent === me) return yield* notFound("agent")
        if (!target.roles.some((r) => r === "agent_workspace_user" || r === "sn_customerservice_manager"))
          return yield* notFound("agent")
        yield* tell(Agent, me, Transfer.make({ interactionId: row.id, to: { agent: target.id } }))
        return undefined
      }
      case "wrapUp":
        yield* ownWorkItem(principal, command.workItemId)
        yield* tell(Agent, me, WrapUp.make({ workItemId: command.workItemId }))
        return undefined
      case "complete":
        yield* ownWorkItem(principal, command.workItemId)
        yield* tell(
          Agent,
          me,
          Complete.make({
            workItemId: command.workItemId,
            ...(command.code !== undefined ? { code: command.code } : {})
          })
        )
        return undefined
      case "linkCustomer": {
        const { row, ids } = yield* onInteraction(command.interactionId)
        if ((yield* findCustomer(command.customer)) === undefined) return yield* notFound("customer")
        yield* tell(Conversation, row.conversationId, LinkCustomer.make({ ...ids, customer: command.customer }))
        return undefined
      }
    }
  })

export const execute = (
  principal: Principal,
  command: ActionCommand
): Effect.Effect<Result, CommandRefused, CommandServices> =>
  isAgent(principal) ? orUnavailable(run(principal, command)) : Effect.fail(forbidden())
