import { Effect, Schedule } from "effect"
import type { Attachment } from "../../apple/Attachment.ts"
import type { InboundEnvelope } from "../../apple/InboundEnvelope.ts"
import { ObjectStore } from "../../runtime/ObjectStore.ts"
import { appleClient } from "../apple/GuardedAppleClient.ts"
import { AttachmentConfig } from "../attachments/AttachmentConfig.ts"
import { refusal } from "../attachments/AttachmentRules.ts"
import type { InboundFile } from "../attachments/FileRef.ts"
import { derivedId } from "../attachments/ObjectIds.ts"

/** Apple's download URLs live for seconds: a few quick tries, then the file is noted as not fetched. */
const retry = Schedule.exponential("100 millis").pipe(Schedule.intersect(Schedule.recurs(3)))

const keep = (envelope: InboundEnvelope, attachment: Attachment, index: number) =>
  Effect.gen(function* () {
    const apple = yield* appleClient
    const store = yield* ObjectStore
    const { maxBytes } = yield* AttachmentConfig
    const described = { name: attachment.name, mimeType: attachment.mimeType }
    // CTR keeps the length, so Apple's `size` is the file's: a file too large is never downloaded.
    const before = refusal({ contentType: attachment.mimeType, size: attachment.size }, maxBytes)
    if (before !== undefined) return { _tag: "Refused", ...described, reason: before } satisfies InboundFile
    const bytes = yield* apple.downloadAttachment(envelope.destinationId, attachment).pipe(Effect.retry(retry))
    const after = refusal({ contentType: attachment.mimeType, size: bytes.length }, maxBytes)
    if (after !== undefined) return { _tag: "Refused", ...described, reason: after } satisfies InboundFile
    const id = derivedId("in", envelope.destinationId, envelope.messageId, index)
    yield* store.put(id, { name: attachment.name, contentType: attachment.mimeType }, bytes)
    return { _tag: "Kept", id, ...described, size: bytes.length } satisfies InboundFile
  }).pipe(
    Effect.catchAll((e) =>
      Effect.succeed({
        _tag: "Unfetched",
        name: attachment.name,
        mimeType: attachment.mimeType,
        error: e._tag
      } satisfies InboundFile)
    ),
    Effect.tap((file) =>
      file._tag === "Kept"
        ? Effect.logInfo("attachment kept", { id: file.id, type: file.mimeType, size: file.size })
        : Effect.logWarning(
            file._tag === "Refused" ? `attachment refused (${file.reason})` : `attachment not fetched (${file.error})`,
            { name: file.name, type: file.mimeType, declaredSize: attachment.size }
          )
    )
  )

/**
 * The customer's files, downloaded from Apple, decrypted, checked (size, type) and kept in the
 * object store. It runs in the conversation's `prepare` step, before the turn's transaction
 * (`Behavior.prepare`, runtime/Actor.ts): a download can take seconds and must not hold a
 * database connection. Nothing here fails: a file refused or not fetched is recorded as such and
 * the message's text is still handled.
 */
/** Whether a customer's message has files to fetch (most have none: no call-out, no preparation). */
export const carriesFiles = (envelope: InboundEnvelope): boolean =>
  envelope.message.type === "text" && (envelope.message.attachments?.length ?? 0) > 0

export const fetchAll = Effect.fnUntraced(function* (envelope: InboundEnvelope) {
  const message = envelope.message
  if (message.type !== "text") return []
  const files: ReadonlyArray<InboundFile> = yield* Effect.forEach(message.attachments ?? [], (attachment, index) =>
    keep(envelope, attachment, index)
  )
  return files
})
