import { Schema } from "effect"
import { InteractiveDataRef } from "./DataRef.ts"

/** Apple's attachment store (MMCS) answers, shared by the client and the simulator. */
export const PreUploadResponse = Schema.Struct({
  "upload-url": Schema.String,
  "mmcs-url": Schema.String,
  "mmcs-owner": Schema.String
})

export const UploadResponse = Schema.Struct({
  singleFile: Schema.Struct({
    /** Base64; becomes the attachment's `signature-base64`. */
    fileChecksum: Schema.String,
    size: Schema.optional(Schema.Number),
    receipt: Schema.optional(Schema.String)
  })
})

export const PreDownloadResponse = Schema.Struct({ "download-url": Schema.String })

/** `/message` answer to a large interactive sent with `include-data-ref: true`. */
export const DataRefResponse = Schema.Struct({ dataRef: InteractiveDataRef })

/** Attachments may be up to 100 MB each way. */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
