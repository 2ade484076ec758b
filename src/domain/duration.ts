// Durations as people write them in the policy file: "30m", "4h", "7d".
// The policy is parsed once into `Duration`s: the words people wrote (for
// texts) and the milliseconds (for clocks), so no caller parses again.
import { Duration as LuxonDuration } from "luxon";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
const PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

/** A policy duration: `text` as written ("24h"), `ms` for arithmetic. */
export interface Duration {
  text: string;
  ms: number;
}

export function parseDuration(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, amount, unit] = match;
  return Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
}

/** "24h" -> { text: "24h", ms: 86400000 }; throws on text that is not a duration (config validates first). */
export function duration(text: string): Duration {
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`not a duration: ${text}`);
  return { text, ms };
}

/** "1 h 12 min" — terse, for people reading Slack at 3 a.m. */
export function humanDuration(ms: number): string {
  const negative = ms < 0;
  const d = LuxonDuration.fromMillis(Math.abs(ms)).shiftTo("days", "hours", "minutes").toObject();
  const parts: string[] = [];
  if (d.days) parts.push(`${d.days} d`);
  if (d.hours) parts.push(`${d.hours} h`);
  const minutes = Math.floor(d.minutes ?? 0);
  if (minutes || parts.length === 0) parts.push(`${minutes} min`);
  const text = parts.slice(0, 2).join(" ");
  return negative ? `-${text}` : text;
}
