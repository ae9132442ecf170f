import { Schema } from "effect"
import { ErrorBody } from "../../http/api/ApiError.ts"
import { UploadedFile } from "../../http/api/UploadedFile.ts"

/**
 * Files over the REST API: they travel as bytes, not JSON, so they are not `api.ts` calls. A
 * download needs the bearer token, which an `<img src>` cannot send, so pictures are fetched and
 * shown from a blob URL.
 */

const decodeUploaded = Schema.decodeUnknownSync(UploadedFile)
const decodeError = Schema.decodeUnknownOption(ErrorBody)

export type Uploaded = typeof UploadedFile.Type

/** Uploads `file` for the conversation; the answer's id is what the socket's `send` carries. */
export const uploadFile = async (token: string, interactionId: string, file: File): Promise<Uploaded> => {
  const response = await fetch(
    `/api/conversations/${encodeURIComponent(interactionId)}/attachments?name=${encodeURIComponent(file.name)}`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": file.type || "application/octet-stream" },
      body: file
    }
  )
  const json: unknown = await response.json().catch(() => undefined)
  if (response.ok) return decodeUploaded(json)
  const problem = decodeError(json)
  throw new Error(problem._tag === "Some" ? problem.value.error.message : `upload failed (${response.status})`)
}

/** The file's bytes as a blob URL (revoke it when done). */
export const fileUrl = async (token: string, id: string): Promise<string> => {
  const response = await fetch(`/api/attachments/${encodeURIComponent(id)}`, {
    headers: { authorization: `Bearer ${token}` }
  })
  if (!response.ok) throw new Error(`download failed (${response.status})`)
  return URL.createObjectURL(await response.blob())
}
