import { randomBytes } from "node:crypto"
import { assert, layer } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { E2eNode, perTest, stranger } from "../conversation/sharedNode.ts"
import * as TestNode from "../support/TestNode.ts"
import { agentDesk, eventually, goLive, leave, login, newStaff, untilText, type WsEvent } from "../ws/support.ts"
import { inNode, nodeOptions, transcriptOf } from "./support.ts"

/**
 * Files both ways on the production shape (NATS object store, PostgreSQL): a customer's photo is
 * kept and served to the agent who serves the chat (403 to another agent, 404 for an unknown id),
 * the agent's file reaches the customer's device byte for byte, and files over the cap or of a
 * type we do not take are refused in the transcript while the text still counts.
 */

/** Small enough to test the cap without large uploads. */
const maxBytes = 300_000

const nodeLayer = Layer.scoped(E2eNode, TestNode.start({ ...nodeOptions("nats"), attachments: { maxBytes } }))

const fetchBytes = (url: string, init: RequestInit = {}) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) }
  })

const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

const fileOf = (e: WsEvent) =>
  (e.body.body as { attachments?: ReadonlyArray<Record<string, unknown>> } | undefined)?.attachments?.[0]

layer(nodeLayer, { timeout: 150_000, excludeTestServices: true })("attachments, customer → agent → customer", (it) => {
  it.scoped(
    "a customer's photo is kept and shown to their agent only; the agent's PDF reaches the device byte for byte",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const desk = yield* agentDesk(node, "att-story")
        yield* desk.ws.command("setPresence", { channel: "apple_messages", state: "available" })
        const device = stranger(node, "att")
        const live = yield* goLive(device, desk)

        const photo = randomBytes(200_000)
        yield* device.sendAttachment({ name: "receipt.jpg", mimeType: "image/jpeg", data: photo }, "my receipt ")
        const shown = yield* desk.ws.nextEvent(
          (e) => e.type === "message" && fileOf(e)?.name === "receipt.jpg",
          "the photo in the agent's view"
        )
        const kept = fileOf(shown)
        assert.deepInclude(kept, { name: "receipt.jpg", mimeType: "image/jpeg", size: photo.length })
        const id = String(kept?.id)

        const own = yield* fetchBytes(`${node.url}/api/attachments/${id}`, { headers: bearer(desk.user.token) })
        assert.strictEqual(own.status, 200)
        assert.isTrue(own.bytes.equals(photo), "the agent downloads the customer's bytes")
        assert.strictEqual(own.headers.get("content-type"), "image/jpeg")
        assert.strictEqual(own.headers.get("x-content-type-options"), "nosniff")
        assert.match(own.headers.get("content-disposition") ?? "", /^attachment; filename="receipt\.jpg"/)

        const manager = yield* login(node, "sam.manager")
        const other = yield* inNode(node, newStaff("att-other", "agent_workspace_user"))
        const byManager = yield* fetchBytes(`${node.url}/api/attachments/${id}`, { headers: bearer(manager.token) })
        assert.strictEqual(byManager.status, 200)
        const byOther = yield* fetchBytes(`${node.url}/api/attachments/${id}`, { headers: bearer(other.token) })
        assert.strictEqual(byOther.status, 403)
        const unknown = yield* fetchBytes(`${node.url}/api/attachments/${crypto.randomUUID()}`, {
          headers: bearer(desk.user.token)
        })
        assert.strictEqual(unknown.status, 404)
        const customer = yield* login(node, "jane.doe")
        const byCustomer = yield* fetchBytes(`${node.url}/api/attachments/${id}`, { headers: bearer(customer.token) })
        assert.strictEqual(byCustomer.status, 403)

        // The agent's side: upload, then send it over the socket.
        const pdf = randomBytes(120_000)
        const upload = (token: string, type: string, body: Uint8Array) =>
          fetchBytes(`${node.url}/api/conversations/${live.interactionId}/attachments?name=statement.pdf`, {
            method: "POST",
            headers: { ...bearer(token), "content-type": type },
            body
          })
        const byOtherAgent = yield* upload(other.token, "application/pdf", pdf)
        assert.strictEqual(byOtherAgent.status, 403)
        const uploaded = yield* upload(desk.user.token, "application/pdf", pdf)
        assert.strictEqual(uploaded.status, 201, uploaded.bytes.toString())
        const file = JSON.parse(uploaded.bytes.toString()) as { id: string; size: number }
        assert.strictEqual(file.size, pdf.length)

        const sent = yield* desk.ws.command("send", {
          interactionId: live.interactionId,
          clientMessageId: "c-file",
          content: { kind: "attachment", id: file.id, caption: "Your statement " }
        })
        assert.strictEqual(sent.type, "ack", String(sent.reason))
        const got = yield* untilText(device, "Your statement")
        assert.strictEqual(got.autoReply, false)
        assert.strictEqual(got.message.type === "text" ? got.message.attachments?.length : 0, 1)
        const onDevice = yield* fetchBytes(
          `${node.sim.origin}/sim/customers/${encodeURIComponent(device.id)}/messages/${got.message.id}/attachments/0`
        )
        assert.strictEqual(onDevice.status, 200)
        assert.isTrue(onDevice.bytes.equals(pdf), "the device decrypts the agent's bytes")
        yield* desk.ws.nextEvent((e) => e.type === "sent" && e.body.clientMessageId === "c-file", "sent")

        // The agent's own line links the file, so it downloads too.
        const again = yield* fetchBytes(`${node.url}/api/attachments/${file.id}`, { headers: bearer(desk.user.token) })
        assert.isTrue(again.bytes.equals(pdf))
        yield* leave(desk)
      }),
    perTest
  )

  it.scoped(
    "a file over the cap and one of a type we do not take are refused in the transcript; the text still counts",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const desk = yield* agentDesk(node, "att-refuse")
        yield* desk.ws.command("setPresence", { channel: "apple_messages", state: "available" })
        const device = stranger(node, "att-refuse")
        const live = yield* goLive(device, desk)

        yield* device.sendAttachment(
          { name: "video.mov", mimeType: "video/quicktime", data: randomBytes(maxBytes + 1) },
          "too big "
        )
        yield* device.sendAttachment(
          { name: "page.html", mimeType: "text/html", data: Buffer.from("<script>alert(1)</script>") },
          "a page "
        )
        const lines = yield* eventually(
          transcriptOf(node, live.interactionId),
          (rows) => rows.filter((r) => r.kind === "inboundProblem").length >= 2,
          "two refusals in the transcript"
        )
        const problems = lines
          .filter((r) => r.kind === "inboundProblem")
          .map((r) => String((r.body as { problem: string }).problem))
        assert.strictEqual(
          problems[0],
          `attachment refused (${maxBytes + 1} bytes is over the ${maxBytes}-byte limit): video.mov`
        )
        assert.strictEqual(problems[1], "attachment refused (type text/html is not accepted): page.html")
        const texts = lines.filter((r) => r.kind === "attachment").map((r) => (r.body as { text: string }).text)
        assert.deepStrictEqual(texts, ["too big \uFFFC", "a page \uFFFC"])
        const refusedFiles = lines
          .filter((r) => r.kind === "attachment")
          .map((r) => (r.body as { attachments: ReadonlyArray<Record<string, unknown>> }).attachments[0])
        assert.isTrue(refusedFiles.every((f) => f?.id === undefined && typeof f?.refused === "string"))

        // The agent's side: the same limits at upload.
        const upload = (type: string, body: Uint8Array) =>
          fetchBytes(`${node.url}/api/conversations/${live.interactionId}/attachments?name=x`, {
            method: "POST",
            headers: { ...bearer(desk.user.token), "content-type": type },
            body
          })
        const big = yield* upload("image/png", randomBytes(maxBytes + 1))
        assert.strictEqual(big.status, 413)
        assert.strictEqual(JSON.parse(big.bytes.toString()).error.code, "payload_too_large")
        const html = yield* upload("text/html", Buffer.from("<p>hi</p>"))
        assert.strictEqual(html.status, 415)
        assert.strictEqual(JSON.parse(html.bytes.toString()).error.code, "unsupported_media_type")
        yield* leave(desk)
      }),
    perTest
  )

  it.scoped(
    "an agent's file to a customer on an Apple Watch is refused with the reason",
    () =>
      Effect.gen(function* () {
        const node = yield* E2eNode
        const desk = yield* agentDesk(node, "att-watch")
        yield* desk.ws.command("setPresence", { channel: "apple_messages", state: "available" })
        const device = stranger(node, "att-watch", { device: "watch" })
        const live = yield* goLive(device, desk)
        const uploaded = yield* fetchBytes(
          `${node.url}/api/conversations/${live.interactionId}/attachments?name=photo.png`,
          {
            method: "POST",
            headers: { ...bearer(desk.user.token), "content-type": "image/png" },
            body: randomBytes(1000)
          }
        )
        assert.strictEqual(uploaded.status, 201)
        const { id } = JSON.parse(uploaded.bytes.toString()) as { id: string }
        const refused = yield* desk.ws.command("send", {
          interactionId: live.interactionId,
          clientMessageId: "c-watch",
          content: { kind: "attachment", id }
        })
        assert.deepInclude(refused, {
          type: "error",
          code: "capability_missing",
          reason: "customer's device cannot receive files (Apple Watch)"
        })
        yield* leave(desk)
      }),
    perTest
  )
})
