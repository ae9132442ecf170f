import { Config, ConfigError, Either, Logger, LogLevel } from "effect"

export interface LogConfigShape {
  readonly level: LogLevel.LogLevel
  readonly format: "logfmt" | "json"
}

/** The names operators use for each level (syslog's, log4j's, Effect's), in lower case. */
const levels: Readonly<Record<string, LogLevel.LogLevel>> = {
  all: LogLevel.All,
  trace: LogLevel.Trace,
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  information: LogLevel.Info,
  warn: LogLevel.Warning,
  warning: LogLevel.Warning,
  err: LogLevel.Error,
  error: LogLevel.Error,
  fatal: LogLevel.Fatal,
  crit: LogLevel.Fatal,
  critical: LogLevel.Fatal,
  off: LogLevel.None,
  none: LogLevel.None
}

export const level: Config.Config<LogLevel.LogLevel> = Config.string("LOG_LEVEL").pipe(
  Config.mapOrFail((raw) => {
    const found = levels[raw.trim().toLowerCase()]
    return found === undefined
      ? Either.left(ConfigError.InvalidData([], `expected one of ${Object.keys(levels).join(", ")}, got "${raw}"`))
      : Either.right(found)
  }),
  Config.withDefault(LogLevel.Info),
  Config.withDescription("Lowest level logged: debug, info, warn (or warning), error, …")
)

export const config: Config.Config<LogConfigShape> = Config.all({
  level,
  format: Config.literal(
    "logfmt",
    "json"
  )("LOG_FORMAT").pipe(Config.withDefault("logfmt" as const), Config.withDescription("logfmt lines, or JSON lines"))
})

/** The process's logger for `format`. */
export const logger = (format: LogConfigShape["format"]) => (format === "json" ? Logger.json : Logger.logFmt)
