import { Schema } from "effect"
import { ErrorCode } from "./Protocol.ts"

/** A command the socket will not carry out; sent to the client as an `error` frame with the same code. */
export class CommandRefused extends Schema.TaggedError<CommandRefused>()("CommandRefused", {
  code: ErrorCode,
  reason: Schema.String
}) {}

export const forbidden = (reason = "agents and managers only") => new CommandRefused({ code: "forbidden", reason })
export const notFound = (what: string) => new CommandRefused({ code: "not_found", reason: `no such ${what} of yours` })
export const unavailable = (reason = "try again shortly") => new CommandRefused({ code: "unavailable", reason })
