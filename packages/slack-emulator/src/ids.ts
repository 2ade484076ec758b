import { randomBytes, randomInt } from "node:crypto";

const UPPER_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const MIXED_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomString(alphabet: string, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Slack object ids: a type letter (C, U, V, F, Bk, Ev…) and upper-case alphanumerics. */
export function slackId(prefix: string, length = 10): string {
  return prefix + randomString(UPPER_ALNUM, length);
}

/** Slack fills in missing block_id / action_id with short random strings like "2WGp9". */
export function shortId(): string {
  return randomString(MIXED_ALNUM, 5);
}

/** Shaped like Slack's: "1700000000123.1234567890.0a1b2c…" */
export function triggerId(nowMs: number): string {
  return `${nowMs}.${randomInt(1_000_000_000, 9_999_999_999)}.${randomBytes(16).toString("hex")}`;
}

/** views' `hash`: "<seconds>.<8 hex>". */
export function viewHash(nowMs: number): string {
  return `${Math.floor(nowMs / 1000)}.${randomBytes(4).toString("hex")}`;
}

/**
 * Message timestamps: "1700000000.000100", unique and strictly increasing across
 * the whole workspace, even for many messages in the same microsecond.
 */
export class TsFactory {
  private lastMicros = 0;

  next(nowMs: number): string {
    let micros = Math.floor(nowMs) * 1000;
    if (micros <= this.lastMicros) micros = this.lastMicros + 1;
    this.lastMicros = micros;
    return formatTs(micros);
  }

  /** Keep later ts above one a test seeded by hand. */
  observe(ts: string): void {
    const micros = tsToMicros(ts);
    if (micros > this.lastMicros) this.lastMicros = micros;
  }
}

export function formatTs(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const rest = micros - seconds * 1_000_000;
  return `${seconds}.${String(rest).padStart(6, "0")}`;
}

export function tsToMicros(ts: string): number {
  const [seconds = "0", fraction = "0"] = ts.split(".");
  return Number(seconds) * 1_000_000 + Number(fraction.padEnd(6, "0").slice(0, 6));
}

export function isTs(value: string): boolean {
  return /^\d{9,11}\.\d{6}$/.test(value);
}
