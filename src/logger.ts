// pino, with secrets scrubbed before anything is written. Redaction is by key
// name (token, secret, authorization, ...) at any depth, and by value shape
// (Slack, GitHub and Linear token formats, passwords inside URLs), because a
// token can hide inside an error message as easily as in a field.
import pino, { type Logger } from "pino";

const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|cookie|signature/i;
const SECRET_VALUE: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack bot/user/app tokens
  /xapp-[A-Za-z0-9-]+/g, // Slack app-level tokens
  /\b(gh[pousr]_[A-Za-z0-9]{10,}|github_pat_[A-Za-z0-9_]{10,})/g, // GitHub tokens
  /\blin_(api|oauth)_[A-Za-z0-9]+/g, // Linear keys
  /\b(Bearer|token|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, // Authorization header values
  /(?<=:\/\/[^:/\s@]+:)[^@\s]+(?=@)/g, // passwords in URLs
];
export const REDACTED = "[redacted]";

export function scrubString(value: string): string {
  let out = value;
  for (const pattern of SECRET_VALUE)
    out = out.replace(pattern, (match) => (match.includes(" ") ? `${match.split(/\s+/)[0]} ${REDACTED}` : REDACTED));
  return out;
}

export function scrub(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return scrubString(value);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (seen.has(value)) return "[circular]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1, seen));
  if (value instanceof Error) {
    return { type: value.name, message: scrubString(value.message), stack: value.stack ? scrubString(value.stack) : undefined };
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && item !== undefined && item !== null && typeof item !== "object" ? REDACTED : scrub(item, depth + 1, seen);
  }
  return out;
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
  if (options.destination) return pino(base, options.destination);
  if (options.format === "pretty") {
    return pino({
      ...base,
      transport: { target: "pino-pretty", options: { colorize: true, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname,service" } },
    });
  }
  return pino(base);
}
