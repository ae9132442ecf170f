import type { ConfigError } from "effect"

/**
 * One line naming each bad setting, e.g. `PORT: Expected a network port value but received "x"`.
 * Start-up prints it instead of a stack trace so an operator sees at once what to fix.
 */
export const describe = (error: ConfigError.ConfigError): string => problems(error).join("; ")

const problems = (error: ConfigError.ConfigError): ReadonlyArray<string> => {
  switch (error._op) {
    case "And":
    case "Or":
      return [...new Set([...problems(error.left), ...problems(error.right)])]
    case "InvalidData":
    case "MissingData":
    case "SourceUnavailable":
    case "Unsupported":
      return [`${error.path.join(".") || "(root)"}: ${error.message}`]
  }
}
