import { Schema } from "effect"

/** The answer to an upload (`POST /api/conversations/:id/attachments`); the pages import it too. */
export const UploadedFile = Schema.Struct({
  id: Schema.UUID.annotations({
    description: 'put it in the socket\'s `send` command: content `{kind: "attachment", id}`'
  }),
  name: Schema.String,
  mimeType: Schema.String,
  size: Schema.NonNegativeInt
}).annotations({ identifier: "UploadedFile" })
